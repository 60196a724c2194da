import { getOwnDesk } from './ipc.js';

const root = document.getElementById('app');
getOwnDesk().then((desk) => {
  if (location.hash.startsWith('#appuntamenti')) return;
  root.textContent = desk ? desk.name : 'Nessuno sportello configurato';
}, (err) => {
  root.textContent = `Errore: ${err.message ?? err}`;
});

// Back-office appointments at #appuntamenti (#appuntamenti/<access id> books from an
// access), until the app's navigation lands.
import { mount as mountAppointments } from './views/appointments.js';

function route() {
  const m = /^#appuntamenti(?:\/(.+))?$/.exec(location.hash);
  if (m) mountAppointments(root, { accessId: m[1] ? decodeURIComponent(m[1]) : null });
}
const nav = document.createElement('nav');
const link = document.createElement('a');
link.href = '#appuntamenti';
link.id = 'nav-appointments';
link.textContent = 'Appuntamenti';
nav.append(link);
document.body.prepend(nav);
window.addEventListener('hashchange', route);
route();
