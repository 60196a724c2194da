import { getOwnDesk } from './ipc.js';
import { t } from './i18n.js';
import * as setup from './views/setup.js';
import * as register from './views/register.js';

const root = document.getElementById('app');

// First run (no desk yet) shows the setup; afterwards, the register.
async function start() {
  try {
    const desk = await getOwnDesk();
    if (desk) await register.mount(root, { onLanguage: start });
    else await setup.mount(root, { onDone: start });
  } catch (err) {
    root.textContent = t('app.error', { message: err?.message ?? String(err) });
    throw err;
  }
}

start();
