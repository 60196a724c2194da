// The page's entry: the first-run setup, or the navigation between the views, each a
// module exporting mount(root, ctx).
import { getOwnDesk, getLanguage, databaseKind, leaveDemo } from './ipc.js';
import { $$, h } from './dom.js';
import { t, setLanguage } from './i18n.js';
import * as setup from './views/setup.js';
import * as register from './views/register.js';
import * as syncView from './views/sync.js';
import * as appointmentsView from './views/appointments.js';
import * as casesView from './views/cases.js';
import * as reportView from './views/report.js';
import { mountStatus as outboxStatus } from './views/outbox.js';
import { mountStatus as backupStatus } from './views/backup.js';

const root = document.getElementById('app');

// Navigation: each view module exports mount(root, ctx); a button per view, and the
// page's hash (#sync) reopens the last one. The register comes first.
const views = {
  register: { label: () => t('nav.register'), module: register },
  sync: { label: () => t('nav.sync'), module: syncView },
  appuntamenti: { label: () => t('nav.appointments'), module: appointmentsView },
  casi: { label: () => t('nav.cases'), module: casesView },
  rapporto: { label: () => t('nav.report'), module: reportView },
};

let viewRoot = null;
let nav = null;

/** Shows view `name`; `extra` goes into its context (e.g. the access to book for). */
async function show(name, extra = {}) {
  const v = views[name] ?? views.register;
  const key = views[name] ? name : 'register';
  for (const b of $$('button', nav)) {
    b.setAttribute('aria-current', b.dataset.view === key ? 'page' : 'false');
  }
  location.hash = key;
  // A view's keyboard shortcuts live only as long as the view.
  document.onkeydown = null;
  // Each view gets a fresh container: a view still loading when another is chosen
  // finds its container detached and stops there.
  const container = h('div');
  viewRoot.replaceChildren(container);
  await v.module.mount(container, {
    lang: document.documentElement.lang, onLanguage: start, navigate: show, ...extra,
  });
}

// On the demo database, a banner says so above the navigation, with the way back to
// the real database.
async function demoBanner() {
  const db = await databaseKind();
  if (!db.demo) return [];
  const leave = db.can_leave
    ? h('button', {
      type: 'button', id: 'leave-demo',
      onclick: async () => { await leaveDemo(); location.hash = ''; start(); },
    }, t('demo.leave'))
    : null;
  return [h('div', { class: 'demo-banner', role: 'note', id: 'demo-banner' },
    h('strong', { class: 'demo-badge' }, t('demo.badge')), ' ', t('demo.title'), ' ', leave,
  )];
}

// First run (no desk yet) shows the setup; afterwards, the views.
async function start() {
  try {
    // the saved language first, whichever view opens (the setup, or #sync on reopening)
    setLanguage(await getLanguage());
    const desk = await getOwnDesk();
    if (!desk) {
      await setup.mount(root, { onDone: start });
      return;
    }
    nav = h('nav', { class: 'app-nav' }, Object.keys(views).map((name) =>
      h('button', { type: 'button', 'data-view': name, onclick: () => show(name) })));
    viewRoot = h('section', { id: 'view' });
    // what waits for Grosseto, in the navigation, and the end-of-hours offer below it
    const offer = outboxStatus(nav);
    // and a warning when the last good backup is over two days old
    backupStatus(nav);
    root.replaceChildren(...await demoBanner(), nav, offer, viewRoot);
    const label = () => {
      nav.setAttribute('aria-label', t('nav.label'));
      for (const b of $$('button', nav)) b.textContent = views[b.dataset.view].label();
    };
    label();
    await show(location.hash.slice(1));
    // The register has now set the language chosen for this installation.
    label();
  } catch (err) {
    root.textContent = t('app.error', { message: err?.message ?? String(err) });
    throw err;
  }
}

start();
