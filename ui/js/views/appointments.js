// Back-office appointments: book (the next free slots first), print or save the slip,
// the day agenda (printable) with reschedule, cancel, attended and no-show.
//
// mount(root, ctx): ctx.accessId links the booking to the access being recorded (the
// register opens this view with it after an access whose action is "appuntamento").
// Every element the end-to-end test drives has an id starting with "appt-" or "agenda-".
// Words come from i18n (i18n-appointments.js): Italian or English, as the interface.
import * as ipc from '../ipc.js';
import { t, language } from '../i18n.js';
import { appointmentErrorText } from '../appointment-messages.js';

const LAYOUTS = ['paper', 'receipt'];

/** Builds an element; text children are text nodes, never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** 'YYYY-MM-DD' -> 'dd/mm/yyyy'. */
export function formatDay(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** 'dd/mm/yyyy' (or d/m/yyyy) -> 'YYYY-MM-DD', or null when it is not a real date. */
export function parseDay(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function weekday(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return t(`weekday.${((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1}`);
}

/** 'Lun 04/03/2025' (Mon in English). */
function dayLabel(iso) {
  return `${weekday(iso)} ${formatDay(iso)}`;
}

function slotLabel(slot) {
  return `${dayLabel(slot.day)}  ${slot.starts}–${slot.ends}`;
}

function todayIso() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function shiftDay(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

/** The interface's message for an error coming from the core. */
const explain = appointmentErrorText;

/** A kind's label in the interface's language (the core gives both). */
function kindLabel(kinds, code, fallback) {
  const k = kinds.find((x) => x.code === code);
  if (!k) return fallback ?? code;
  return language() === 'en' ? k.label_en : k.label_it;
}

/** A slip language's name in the interface's language. */
function languageLabel(l) {
  if (language() !== 'en') return l.name_it;
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(l.code) ?? l.name_it;
  } catch {
    return l.name_it;
  }
}

export async function mount(root, ctx = {}) {
  const state = {
    kinds: [],
    languages: [],
    current: null, // the appointment whose slip is offered
    agendaDay: todayIso(),
    moving: null, // the appointment being rescheduled
    confirmCancel: null, // id waiting for the second press of "Annulla"
  };

  const status = h('p', { id: 'appt-status', class: 'appt-status', role: 'status', 'aria-live': 'polite' });
  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle('error', isError);
  };

  // --- booking form -------------------------------------------------------------
  const kindSelect = h('select', { id: 'appt-kind' });
  const slotSelect = h('select', { id: 'appt-slot', size: 8 });
  const dayInput = h('input', { id: 'appt-day', inputmode: 'numeric', placeholder: t('appt.dayPlaceholder'), autocomplete: 'off' });
  const nameInput = h('input', { id: 'appt-name', maxlength: 100, autocomplete: 'off' });
  const phoneInput = h('input', { id: 'appt-phone', type: 'tel', autocomplete: 'off' });
  const languageSelect = h('select', { id: 'appt-language' });
  const form = h('form', { id: 'appt-form', class: 'appt-form', 'aria-labelledby': 'appt-new-title' },
    h('h2', { id: 'appt-new-title' }, t('appt.newTitle')),
    ctx.accessId ? h('p', { id: 'appt-access-link', class: 'appt-note' }, t('appt.accessLink')) : null,
    h('div', { class: 'field' }, h('label', { for: 'appt-kind' }, t('appt.kind')), kindSelect),
    h('div', { class: 'field' }, h('label', { for: 'appt-slot' }, t('appt.slot')), slotSelect),
    h('div', { class: 'field inline' },
      h('label', { for: 'appt-day' }, t('appt.onDay')),
      dayInput,
      h('button', { type: 'button', id: 'appt-day-show', onclick: () => loadSlots(true) }, t('appt.showSlots')),
      h('button', { type: 'button', id: 'appt-day-next', onclick: () => { dayInput.value = ''; loadSlots(); } }, t('appt.firstFree'))),
    h('div', { class: 'field' }, h('label', { for: 'appt-name' }, t('appt.name')), nameInput),
    h('div', { class: 'field' }, h('label', { for: 'appt-phone' }, t('appt.phone')), phoneInput),
    h('div', { class: 'field' }, h('label', { for: 'appt-language' }, t('appt.language')), languageSelect),
    h('button', { type: 'submit', id: 'appt-book', class: 'primary' }, t('appt.book')));
  form.addEventListener('submit', (e) => { e.preventDefault(); book(); });
  kindSelect.addEventListener('change', () => loadSlots(Boolean(dayInput.value.trim())));
  dayInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); loadSlots(true); }
  });

  // --- the slip of the current appointment ----------------------------------------
  const layoutSelect = h('select', { id: 'appt-layout' },
    LAYOUTS.map((value) => h('option', { value }, t(`appt.layout.${value}`))));
  const slipSummary = h('p', { id: 'appt-booked-summary' });
  const slipPanel = h('section', { id: 'appt-booked', class: 'appt-booked', 'aria-labelledby': 'appt-booked-title', hidden: true },
    h('h2', { id: 'appt-booked-title' }, t('appt.slipTitle')),
    slipSummary,
    h('div', { class: 'field inline' },
      h('label', { for: 'appt-layout' }, t('appt.layout')), layoutSelect,
      h('button', { type: 'button', id: 'appt-print', onclick: printSlip }, t('appt.print')),
      h('button', { type: 'button', id: 'appt-save-pdf', onclick: savePdf }, t('appt.savePdf'))));

  // --- agenda ---------------------------------------------------------------------
  const agendaInput = h('input', { id: 'agenda-day', inputmode: 'numeric', placeholder: t('appt.dayPlaceholder'), autocomplete: 'off' });
  const agendaBody = h('tbody', { id: 'agenda-rows' });
  const agendaCaption = h('caption', { id: 'agenda-caption' });
  const movePanel = h('div', { id: 'appt-move', class: 'appt-move', hidden: true });
  const agenda = h('section', { class: 'appt-agenda', 'aria-labelledby': 'agenda-title' },
    h('h2', { id: 'agenda-title' }, t('appt.agendaTitle')),
    h('div', { class: 'field inline' },
      h('label', { for: 'agenda-day' }, t('appt.agendaDay')), agendaInput,
      h('button', { type: 'button', id: 'agenda-show', onclick: () => showAgendaFromInput() }, t('appt.show')),
      h('button', { type: 'button', id: 'agenda-prev', onclick: () => loadAgenda(shiftDay(state.agendaDay, -1)) }, t('appt.prevDay')),
      h('button', { type: 'button', id: 'agenda-next', onclick: () => loadAgenda(shiftDay(state.agendaDay, 1)) }, t('appt.nextDay')),
      h('button', { type: 'button', id: 'agenda-print', onclick: printDay }, t('appt.printAgenda'))),
    movePanel,
    h('table', { id: 'agenda-table', class: 'agenda' },
      agendaCaption,
      h('thead', {}, h('tr', {},
        ['time', 'kind', 'name', 'phone', 'code', 'language', 'status', 'actions']
          .map((c) => h('th', { scope: 'col' }, t(`appt.col.${c}`))))),
      agendaBody));
  agendaInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); showAgendaFromInput(); }
  });

  root.replaceChildren(h('div', { class: 'appointments' },
    h('h1', {}, t('appt.title')), status, h('div', { class: 'appt-top' }, form, slipPanel), agenda));

  // --- behaviour ------------------------------------------------------------------
  async function loadSlots(onDay = false) {
    const kind = kindSelect.value;
    if (!kind) return;
    try {
      let slots;
      if (onDay) {
        const day = parseDay(dayInput.value);
        if (!day) { say(t('appt.msg.dayFormat'), true); dayInput.focus(); return; }
        slots = await ipc.freeSlotsOn(kind, day);
        if (!slots.length) {
          const closed = await ipc.deskClosedReason(day);
          say(closed
            ? t('appt.msg.closed', { day: formatDay(day), reason: closed })
            : t('appt.msg.noSlotsOn', { day: formatDay(day) }), true);
        } else {
          say('');
        }
      } else {
        slots = await ipc.nextFreeSlots(kind, 12);
        if (!slots.length) say(t('appt.msg.noSlots'), true);
      }
      slotSelect.replaceChildren(...slots.map((s, i) =>
        h('option', { value: `${s.day} ${s.starts}`, selected: i === 0 }, slotLabel(s))));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function book() {
    const picked = slotSelect.value;
    if (!picked) { say(t('appt.msg.pickSlot'), true); slotSelect.focus(); return; }
    const [day, starts] = picked.split(' ');
    const input = {
      kind: kindSelect.value,
      day,
      starts,
      person_name: nameInput.value.trim() || null,
      phone: phoneInput.value.trim() || null,
      language: languageSelect.value,
      access_id: ctx.accessId || null,
    };
    try {
      const appt = await ipc.bookAppointment(input);
      nameInput.value = '';
      phoneInput.value = '';
      showSlip(appt);
      say(t('appt.msg.booked', { day: dayLabel(appt.day), starts: appt.starts, code: appt.booking_code }));
      await loadSlots(Boolean(dayInput.value.trim()));
      if (appt.day === state.agendaDay) await loadAgenda(state.agendaDay);
      document.getElementById('appt-print').focus();
    } catch (err) {
      say(explain(err), true);
      const field = err && err.field;
      if (field === 'phone') phoneInput.focus();
      else if (field === 'person_name') nameInput.focus();
      if (err && err.code === 'conflict') await loadSlots(Boolean(dayInput.value.trim()));
    }
  }

  function languageName(code) {
    const l = state.languages.find((x) => x.code === code);
    return l ? languageLabel(l) : code;
  }

  function showSlip(appt) {
    state.current = appt;
    const language = state.languages.find((l) => l.code === appt.language);
    slipSummary.replaceChildren(
      h('strong', {}, t('appt.when', { day: dayLabel(appt.day), starts: appt.starts, ends: appt.ends })),
      ` · ${kindLabel(state.kinds, appt.kind, appt.kind_label)} · ${t('appt.codeLabel')} `,
      h('strong', { id: 'appt-booked-code', class: 'code' }, appt.booking_code),
      ` · ${language && appt.language !== 'it'
        ? t('appt.slipBoth', { language: languageLabel(language) }) : t('appt.slipItalian')}`);
    slipPanel.hidden = false;
  }

  async function printSlip() {
    if (!state.current) return;
    try {
      const outcome = await ipc.printAppointmentSlip(state.current.id, layoutSelect.value);
      say(t(outcome === 'cancelled' ? 'appt.msg.printCancelled' : 'appt.msg.slipPrinted'));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function savePdf() {
    if (!state.current) return;
    try {
      const suggested = await ipc.suggestedSlipPath(state.current.booking_code);
      const path = await ipc.chooseSavePath(suggested);
      if (!path) return;
      const written = await ipc.saveAppointmentSlipPdf(state.current.id, layoutSelect.value, path);
      say(t('appt.msg.pdfSaved', { path: written }));
    } catch (err) {
      say(explain(err), true);
    }
  }

  function showAgendaFromInput() {
    const day = parseDay(agendaInput.value);
    if (!day) { say(t('appt.msg.dayFormat'), true); agendaInput.focus(); return; }
    loadAgenda(day);
  }

  async function printDay() {
    try {
      const outcome = await ipc.printAgenda(state.agendaDay);
      say(t(outcome === 'cancelled' ? 'appt.msg.printCancelled' : 'appt.msg.agendaPrinted'));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function loadAgenda(day) {
    state.agendaDay = day;
    agendaInput.value = formatDay(day);
    agendaCaption.textContent = t('appt.caption', { day: dayLabel(day) });
    try {
      const rows = await ipc.appointmentsAgenda(day);
      agendaBody.replaceChildren(...(rows.length ? rows.map(agendaRow)
        : [h('tr', {}, h('td', { colspan: 8 }, t('appt.none')))]));
    } catch (err) {
      say(explain(err), true);
    }
  }

  function agendaRow(a) {
    const live = a.status === 'booked';
    const act = (label, id, fn, show = true) => (show
      ? h('button', { type: 'button', id: `${id}-${a.booking_code}`, onclick: () => fn(a) }, label) : null);
    return h('tr', { class: `status-${a.status}`, 'data-id': a.id },
      h('td', { class: 'time' }, `${a.starts}–${a.ends}`),
      h('td', {}, kindLabel(state.kinds, a.kind, a.kind_label)),
      h('td', {}, a.person_name || (a.purged_at ? t('appt.purged') : '—')),
      h('td', {}, a.phone || '—'),
      h('td', { class: 'code' }, a.booking_code),
      h('td', {}, languageName(a.language)),
      h('td', {}, t(`appt.status.${a.status}`)),
      h('td', { class: 'actions' },
        act(t('appt.slipButton'), 'agenda-slip', (x) => { showSlip(x); document.getElementById('appt-print').focus(); }, a.status !== 'cancelled'),
        act(t('appt.move'), 'agenda-move', startMove, live),
        act(t(state.confirmCancel === a.id ? 'appt.confirmCancel' : 'appt.cancel'), 'agenda-cancel', cancel, live),
        act(t('appt.attended'), 'agenda-attended', (x) => mark(x, 'attended'), live || a.status === 'no_show'),
        act(t('appt.noShow'), 'agenda-no-show', (x) => mark(x, 'no_show'), live || a.status === 'attended')));
  }

  async function cancel(a) {
    if (state.confirmCancel !== a.id) {
      state.confirmCancel = a.id;
      say(t('appt.msg.pressAgain', { starts: a.starts, code: a.booking_code }));
      await loadAgenda(state.agendaDay);
      document.getElementById(`agenda-cancel-${a.booking_code}`)?.focus();
      return;
    }
    state.confirmCancel = null;
    try {
      await ipc.cancelAppointment(a.id);
      say(t('appt.msg.cancelled', { code: a.booking_code }));
      await loadAgenda(state.agendaDay);
      await loadSlots(Boolean(dayInput.value.trim()));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function mark(a, outcome) {
    try {
      await ipc.markAppointment(a.id, outcome);
      say(t(outcome === 'attended' ? 'appt.msg.markedAttended' : 'appt.msg.markedNoShow', { code: a.booking_code }));
      await loadAgenda(state.agendaDay);
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function startMove(a) {
    state.moving = a;
    const select = h('select', { id: 'appt-move-slot', size: 6 });
    const dayField = h('input', { id: 'appt-move-day', inputmode: 'numeric', placeholder: t('appt.dayPlaceholder'), autocomplete: 'off' });
    const fill = async (onDay) => {
      try {
        const slots = onDay
          ? await ipc.freeSlotsOn(a.kind, parseDay(dayField.value) || '')
          : await ipc.nextFreeSlots(a.kind, 12);
        select.replaceChildren(...slots.map((s, i) =>
          h('option', { value: `${s.day} ${s.starts}`, selected: i === 0 }, slotLabel(s))));
      } catch (err) {
        say(explain(err), true);
      }
    };
    movePanel.replaceChildren(
      h('h3', {}, t('appt.moveTitle', { code: a.booking_code, day: formatDay(a.day), starts: a.starts })),
      h('div', { class: 'field' }, h('label', { for: 'appt-move-slot' }, t('appt.moveSlot')), select),
      h('div', { class: 'field inline' },
        h('label', { for: 'appt-move-day' }, t('appt.moveDay')), dayField,
        h('button', { type: 'button', id: 'appt-move-day-show', onclick: () => fill(true) }, t('appt.showSlots'))),
      h('div', { class: 'field inline' },
        h('button', { type: 'button', id: 'appt-move-confirm', class: 'primary', onclick: () => confirmMove(select.value) }, t('appt.moveConfirm')),
        h('button', { type: 'button', id: 'appt-move-cancel', onclick: endMove }, t('appt.moveKeep'))));
    movePanel.hidden = false;
    await fill(false);
    select.focus();
  }

  async function confirmMove(picked) {
    const a = state.moving;
    if (!a || !picked) return;
    const [day, starts] = picked.split(' ');
    try {
      const moved = await ipc.rescheduleAppointment(a.id, day, starts);
      endMove();
      showSlip(moved);
      say(t('appt.msg.moved', { day: dayLabel(moved.day), starts: moved.starts }));
      await loadAgenda(state.agendaDay);
      await loadSlots(Boolean(dayInput.value.trim()));
    } catch (err) {
      say(explain(err), true);
    }
  }

  function endMove() {
    state.moving = null;
    movePanel.hidden = true;
    movePanel.replaceChildren();
  }

  // --- start ----------------------------------------------------------------------
  try {
    await ipc.purgeAppointments();
    [state.kinds, state.languages] = await Promise.all([ipc.listAppointmentKinds(), ipc.listSlipLanguages()]);
    kindSelect.replaceChildren(...state.kinds.filter((k) => k.active).map((k) =>
      h('option', { value: k.code }, t('appt.kindOption', { label: language() === 'en' ? k.label_en : k.label_it, minutes: k.slot_minutes }))));
    languageSelect.replaceChildren(...state.languages.map((l) =>
      h('option', { value: l.code }, l.code === 'it' ? t('appt.onlyItalian')
        : `${languageLabel(l)} (${l.name})`)));
    await loadSlots();
    await loadAgenda(state.agendaDay);
    if (ctx.accessId) {
      const earlier = await ipc.appointmentsForAccess(ctx.accessId);
      if (earlier.length) showSlip(earlier[earlier.length - 1]);
    }
    kindSelect.focus();
  } catch (err) {
    say(explain(err), true);
  }
}
