// Back-office appointments' page: book (the next free slots first), print or save the
// slip, the day agenda (printable) with reschedule, cancel, attended and no-show. The
// decisions are in appointments-model.js; this module builds the page and calls the core.
//
// mount(root, ctx): ctx.accessId links the booking to the access just recorded (the
// register opens this view with the access the core offered a booking for).
// Every element the end-to-end test drives has an id starting with "appt-" or "agenda-".
import * as ipc from '../ipc.js';
import { t } from '../i18n.js';
import { today, formatDate, parseDate, shiftDay } from '../dates.js';
import { h, say as sayIn } from '../dom.js';
import { errorText } from '../errors.js';
import {
  FIRST_FREE, LAYOUTS, agendaCommands, agendaPerson, bookingInput, cancelConfirmed, dayLabel,
  fieldToFix, kindLabel, kindOption, languageName, languageOption, markedMessage, noSlotsOnMessage,
  printedMessage, readSlot, reloadSlotsAfter, slipSummary, slotLabel, slotValue,
} from './appointments-model.js';

/** The interface's message for an error coming from the core. */
const explain = (err) => errorText(err, { area: 'appointments' });

/** The options of a slot list, the first one chosen. */
const slotOptions = (slots) => slots.map((s, i) => h('option', { value: slotValue(s), selected: i === 0 }, slotLabel(s)));

export async function mount(root, ctx = {}) {
  const state = {
    kinds: [],
    languages: [],
    current: null, // the appointment whose slip is offered
    agendaDay: today(),
    moving: null, // the appointment being rescheduled
    confirmCancel: null, // id waiting for the second press of "Annulla"
  };

  const status = h('p', { id: 'appt-status', class: 'appt-status', role: 'status', 'aria-live': 'polite' });
  const say = (text, isError = false) => sayIn(status, text, isError);

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
  const slipSummaryLine = h('p', { id: 'appt-booked-summary' });
  const slipPanel = h('section', { id: 'appt-booked', class: 'appt-booked', 'aria-labelledby': 'appt-booked-title', hidden: true },
    h('h2', { id: 'appt-booked-title' }, t('appt.slipTitle')),
    slipSummaryLine,
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
    // The commands of a row stay on one line: on a narrow (zoomed) window the table
    // scrolls sideways in its own box, never the page.
    h('div', { class: 'table-wrap agenda-wrap' }, h('table', { id: 'agenda-table', class: 'agenda' },
      agendaCaption,
      h('thead', {}, h('tr', {},
        ['time', 'kind', 'name', 'phone', 'code', 'language', 'status', 'actions']
          .map((c) => h('th', { scope: 'col' }, t(`appt.col.${c}`))))),
      agendaBody)));
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
        const day = parseDate(dayInput.value);
        if (!day) { say(t('appt.msg.dayFormat'), true); dayInput.focus(); return; }
        slots = await ipc.freeSlotsOn(kind, day);
        if (!slots.length) say(noSlotsOnMessage(day, await ipc.deskClosedReason(day)), true);
        else say('');
      } else {
        slots = await ipc.nextFreeSlots(kind, FIRST_FREE);
        if (!slots.length) say(t('appt.msg.noSlots'), true);
      }
      slotSelect.replaceChildren(...slotOptions(slots));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function book() {
    const got = bookingInput({
      slot: slotSelect.value, kind: kindSelect.value, name: nameInput.value, phone: phoneInput.value,
      language: languageSelect.value, accessId: ctx.accessId,
    });
    if (got.error) { say(got.error, true); slotSelect.focus(); return; }
    try {
      const appt = await ipc.bookAppointment(got.input);
      nameInput.value = '';
      phoneInput.value = '';
      showSlip(appt);
      say(t('appt.msg.booked', { day: dayLabel(appt.day), starts: appt.starts, code: appt.booking_code }));
      await loadSlots(Boolean(dayInput.value.trim()));
      if (appt.day === state.agendaDay) await loadAgenda(state.agendaDay);
      document.getElementById('appt-print').focus();
    } catch (err) {
      say(explain(err), true);
      const field = fieldToFix(err);
      if (field === 'phone') phoneInput.focus();
      else if (field === 'person_name') nameInput.focus();
      if (reloadSlotsAfter(err)) await loadSlots(Boolean(dayInput.value.trim()));
    }
  }

  function showSlip(appt) {
    state.current = appt;
    const s = slipSummary(appt, state);
    slipSummaryLine.replaceChildren(
      h('strong', {}, s.when),
      s.kind,
      h('strong', { id: 'appt-booked-code', class: 'code' }, s.code),
      s.languages);
    slipPanel.hidden = false;
  }

  async function printSlip() {
    if (!state.current) return;
    try {
      const outcome = await ipc.printAppointmentSlip(state.current.id, layoutSelect.value);
      say(printedMessage(outcome, 'slip'));
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
    const day = parseDate(agendaInput.value);
    if (!day) { say(t('appt.msg.dayFormat'), true); agendaInput.focus(); return; }
    loadAgenda(day);
  }

  async function printDay() {
    try {
      const outcome = await ipc.printAgenda(state.agendaDay);
      say(printedMessage(outcome, 'agenda'));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function loadAgenda(day) {
    state.agendaDay = day;
    agendaInput.value = formatDate(day);
    agendaCaption.textContent = t('appt.caption', { day: dayLabel(day) });
    try {
      const rows = await ipc.appointmentsAgenda(day);
      agendaBody.replaceChildren(...(rows.length ? rows.map(agendaRow)
        : [h('tr', {}, h('td', { colspan: 8 }, t('appt.none')))]));
    } catch (err) {
      say(explain(err), true);
    }
  }

  const commands = {
    slip: (a) => { showSlip(a); document.getElementById('appt-print').focus(); },
    move: (a) => startMove(a),
    cancel: (a) => cancel(a),
    attended: (a) => mark(a, 'attended'),
    no_show: (a) => mark(a, 'no_show'),
  };

  function agendaRow(a) {
    return h('tr', { class: `status-${a.status}`, 'data-id': a.id },
      h('td', { class: 'time' }, `${a.starts}–${a.ends}`),
      h('td', {}, kindLabel(state.kinds, a.kind, a.kind_label)),
      h('td', {}, agendaPerson(a)),
      h('td', {}, a.phone || '—'),
      h('td', { class: 'code' }, a.booking_code),
      h('td', {}, languageName(state.languages, a.language)),
      h('td', {}, t(`appt.status.${a.status}`)),
      h('td', { class: 'actions' }, agendaCommands(a, state.confirmCancel).map((c) =>
        h('button', { type: 'button', id: c.id, onclick: () => commands[c.command](a) }, c.label))));
  }

  async function cancel(a) {
    if (!cancelConfirmed(a, state.confirmCancel)) {
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
      say(markedMessage(outcome, a.booking_code));
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
          ? await ipc.freeSlotsOn(a.kind, parseDate(dayField.value) || '')
          : await ipc.nextFreeSlots(a.kind, FIRST_FREE);
        select.replaceChildren(...slotOptions(slots));
      } catch (err) {
        say(explain(err), true);
      }
    };
    movePanel.replaceChildren(
      h('h3', {}, t('appt.moveTitle', { code: a.booking_code, day: formatDate(a.day), starts: a.starts })),
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
    const slot = readSlot(picked);
    if (!a || !slot) return;
    try {
      const moved = await ipc.rescheduleAppointment(a.id, slot.day, slot.starts);
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
      h('option', { value: k.code }, kindOption(k))));
    languageSelect.replaceChildren(...state.languages.map((l) =>
      h('option', { value: l.code }, languageOption(l))));
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
