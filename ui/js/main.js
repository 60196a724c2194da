// The page's entry: the first-run setup, the operator's sign-in, then the navigation
// between the views, each a module exporting mount(root, ctx). The signed-in operator
// is shown above the navigation with "Cambia operatore" (Alt+U) and "Blocca" (Alt+B);
// the personal areas (cases, appointments) lock after the idle time and a lock panel
// covers them until the PIN is typed. The shell enforces both: this only shows them.
import {
  getOwnDesk, getLanguage, databaseKind, leaveDemo, sessionState, signOut, noteActivity, lockNow,
} from './ipc.js';
import { $$, h } from './dom.js';
import { t, setLanguage } from './i18n.js';
import * as setup from './views/setup.js';
import * as signin from './views/signin.js';
import * as lockPanel from './views/lock.js';
import * as operatorsDialog from './views/operators.js';
import * as register from './views/register.js';
import * as syncView from './views/sync.js';
import * as appointmentsView from './views/appointments.js';
import * as casesView from './views/cases.js';
import * as reportView from './views/report.js';
import { mountStatus as outboxStatus } from './views/outbox.js';
import { mountStatus as backupStatus } from './views/backup.js';
import {
  COORDINATOR_VIEWS, PERSONAL_VIEWS, activityEvery, isIdle,
} from './views/signin-model.js';

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
// The session as the shell last told it: `{signed_in, lock_seconds, ...}`.
let session = null;
let current = 'register';
let locked = false;
// When the shell last heard of input: the idle time counts from there, as the shell's
// does (input between two reports is reported with the next one).
let lastReported = Date.now();

const coordinator = () => session?.signed_in?.role === 'coordinator';
const lockable = () => Boolean(session?.signed_in) && !session.signed_in.demo;

/** Shows view `name`; `extra` goes into its context (e.g. the access to book for). */
async function show(name, extra = {}) {
  let key = views[name] ? name : 'register';
  if (COORDINATOR_VIEWS.has(key) && !coordinator()) key = 'register';
  const v = views[key];
  current = key;
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
  if (PERSONAL_VIEWS.has(key) && locked) {
    showLock(container);
    return;
  }
  try {
    await v.module.mount(container, {
      lang: document.documentElement.lang, onLanguage: start, navigate: show,
      coordinator: coordinator(), ...extra,
    });
  } catch (err) {
    // the idle time ran out in the shell first: the lock panel, not an error
    if (err?.code === 'locked') { locked = true; showLock(container); return; }
    throw err;
  }
}

/** Covers the personal view with the lock panel, the PIN field focused. */
function showLock(container = viewRoot.firstElementChild) {
  if (!container || document.getElementById('lock-panel')) return;
  document.onkeydown = null;
  for (const d of $$('dialog[open]')) d.close();
  const panel = h('div');
  container.replaceChildren(panel);
  lockPanel.mount(panel, {
    who: session.signed_in,
    lockSeconds: session.lock_seconds,
    onUnlock: () => { locked = false; lastReported = Date.now(); show(current); },
    onChangeOperator: changeOperator,
  });
}

/** "Cambia operatore": the signed-in operator leaves, the sign-in screen comes. */
async function changeOperator() {
  await signOut();
  locked = false;
  start();
}

/** "Blocca": the personal areas lock now (stepping away from the desk). */
async function lockAreas() {
  await lockNow();
  locked = true;
  if (PERSONAL_VIEWS.has(current)) showLock();
}

// Input restarts the idle time: reported to the shell at most every few seconds.
function onInput() {
  if (!lockable() || locked) return;
  const now = Date.now();
  if (now - lastReported >= activityEvery(session.lock_seconds)) {
    lastReported = now;
    noteActivity().then((shellLocked) => { if (shellLocked) lockByIdle(); }, () => {});
  }
}
for (const type of ['keydown', 'mousedown', 'wheel', 'touchstart']) {
  window.addEventListener(type, onInput, { capture: true, passive: true });
}

function lockByIdle() {
  locked = true;
  if (PERSONAL_VIEWS.has(current)) showLock();
}

setInterval(() => {
  if (lockable() && !locked && isIdle(Date.now() - lastReported, session.lock_seconds)) lockByIdle();
}, 1000);

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

/** The signed-in operator, with "Cambia operatore", "Blocca" and, for a coordinator, the accounts. */
function operatorBar() {
  const who = session.signed_in;
  const bar = h('div', { class: 'operator-bar', role: 'group', 'aria-label': t('bar.label') },
    h('span', { id: 'signed-in' }, who.name, ' ', h('span', { class: 'role' }, `(${t(`role.${who.role}`)})`)),
    h('button', {
      type: 'button', id: 'change-operator', 'aria-keyshortcuts': 'Alt+U', onclick: changeOperator,
    }, t('bar.change'), ' ', h('kbd', {}, 'Alt+U')),
    who.demo ? null : h('button', {
      type: 'button', id: 'lock-now', 'aria-keyshortcuts': 'Alt+B', onclick: lockAreas,
    }, t('bar.lock'), ' ', h('kbd', {}, 'Alt+B')),
    who.demo ? null : h('button', {
      type: 'button', id: 'operators-open', onclick: () => operatorsDialog.open({ session }),
    }, coordinator() ? t('bar.operators') : t('ops.ownPin')));
  return bar;
}

// The session's keys work in every view (a view's own keys use document.onkeydown).
window.addEventListener('keydown', (e) => {
  if (!session?.signed_in || !e.altKey || e.ctrlKey || e.metaKey) return;
  const k = e.key.toLowerCase();
  if (k === 'u') { e.preventDefault(); e.stopPropagation(); changeOperator(); }
  if (k === 'b' && lockable()) { e.preventDefault(); e.stopPropagation(); lockAreas(); }
}, { capture: true });

// First run (no desk yet) shows the setup; then the sign-in; afterwards, the views.
async function start() {
  try {
    // the saved language first, whichever view opens (the setup, or #sync on reopening)
    setLanguage(await getLanguage());
    document.onkeydown = null;
    const desk = await getOwnDesk();
    session = await sessionState();
    if (!desk && !session.signed_in) {
      await setup.mount(root, { onDone: start });
      return;
    }
    if (!session.signed_in) {
      if (!session.accounts) await signin.mountFirst(root, { onDone: start });
      else await signin.mount(root, { operators: session.operators, onDone: start });
      return;
    }
    locked = session.locked;
    // the idle time starts again here and in the shell alike
    lastReported = Date.now();
    if (lockable() && !locked) noteActivity().then((l) => { if (l) lockByIdle(); }, () => {});
    const shown = Object.keys(views).filter((name) => !COORDINATOR_VIEWS.has(name) || coordinator());
    nav = h('nav', { class: 'app-nav' }, shown.map((name) =>
      h('button', { type: 'button', 'data-view': name, onclick: () => show(name) })));
    viewRoot = h('section', { id: 'view' });
    // what waits for Grosseto, in the navigation, and the end-of-hours offer below it
    const offer = outboxStatus(nav);
    // and a warning when the last good backup is over two days old
    backupStatus(nav);
    root.replaceChildren(...await demoBanner(), operatorBar(), nav, offer, viewRoot);
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
