import { getOwnDesk } from './ipc.js';

const root = document.getElementById('app');
getOwnDesk().then((desk) => {
  root.textContent = desk ? desk.name : 'Nessuno sportello configurato';
}, (err) => {
  root.textContent = `Errore: ${err.message ?? err}`;
});
