import { getOwnDesk } from './ipc.js';

const root = document.getElementById('app');
getOwnDesk().then((desk) => {
  root.textContent = desk ? desk.name : 'Nessuno sportello configurato';
}, (err) => {
  root.textContent = `Errore: ${err.message ?? err}`;
});

// Navigation: each view module exports mount(root, ctx); a button per view, and the
// page's hash (#sync) reopens the last one.
import * as syncView from './views/sync.js';
import * as appointmentsView from './views/appointments.js';

const views = {
  sync: { label: 'Esporta / Importa', module: syncView },
  appuntamenti: { label: 'Appuntamenti', module: appointmentsView },
};
const nav = document.createElement('nav');
nav.className = 'app-nav';
nav.setAttribute('aria-label', 'Sezioni');
const viewRoot = document.createElement('section');
viewRoot.id = 'view';
function show(name) {
  const v = views[name];
  if (!v) return;
  for (const b of nav.querySelectorAll('button')) {
    b.setAttribute('aria-current', b.dataset.view === name ? 'page' : 'false');
  }
  location.hash = name;
  v.module.mount(viewRoot, { lang: document.documentElement.lang });
}
for (const [name, v] of Object.entries(views)) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.view = name;
  b.textContent = v.label;
  b.addEventListener('click', () => show(name));
  nav.append(b);
}
document.body.append(nav, viewRoot);
show(location.hash.slice(1));
