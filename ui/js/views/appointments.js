// Back-office appointments: book (the next free slots first), print or save the slip,
// the day agenda (printable) with reschedule, cancel, attended and no-show.
//
// mount(root, ctx): ctx.accessId links the booking to the access being recorded (the
// register opens this view with it after an access whose action is "appuntamento").
// Every element the end-to-end test drives has an id starting with "appt-" or "agenda-".
import * as ipc from '../ipc.js';

const WEEKDAYS = ['lun', 'mar', 'mer', 'gio', 'ven', 'sab', 'dom'];
const STATUS = {
  booked: 'Prenotato',
  attended: 'Presente',
  no_show: 'Assente',
  cancelled: 'Annullato',
};
const LAYOUTS = [
  ['paper', 'Foglio A5'],
  ['receipt', 'Scontrino 80 mm'],
];

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
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}

function slotLabel(slot) {
  return `${weekday(slot.day)} ${formatDay(slot.day)}  ${slot.starts}–${slot.ends}`;
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

// What to tell the operator, in Italian, for an invalid field (the core's message, in
// English, names the field first: "phone: ...").
const FIELD_HELP = {
  phone: 'Telefono non valido: da 5 a 16 cifre (spazi, + - / . ( ) ammessi), oppure lascialo vuoto.',
  person_name: 'Nome troppo lungo: al massimo 100 caratteri.',
  language: 'Lingua del foglietto non disponibile.',
  kind: 'Questo tipo di appuntamento non è più offerto.',
  access_id: 'L’accesso da cui prenoti non risulta registrato.',
};

/** The Italian message for an error coming from the core. */
function explain(err) {
  const code = err && err.code;
  const message = (err && err.message) || String(err);
  const field = message.split(':')[0];
  if (code === 'conflict') return 'Orario appena preso da un’altra prenotazione: scegline un altro.';
  if (code === 'invalid' && FIELD_HELP[field]) return FIELD_HELP[field];
  if (code === 'invalid' && (field === 'day' || field === 'starts')) {
    if (message.includes('closed')) return 'Lo sportello è chiuso quel giorno: scegli un altro giorno.';
    if (message.includes('past')) return 'Orario già passato: scegline uno successivo.';
    if (message.includes('days ahead')) return 'Si prenota al massimo un anno avanti: controlla l’anno.';
    return 'Orario non prenotabile: scegline uno dalla lista.';
  }
  if (code === 'invalid' && field === 'status') {
    if (message.includes('mark it on that day')) return 'Presente o assente si segna dal giorno dell’appuntamento.';
    if (message.includes('cancelled')) return 'Appuntamento annullato: prenotane uno nuovo.';
    return 'Operazione non possibile per lo stato di questo appuntamento.';
  }
  if (code === 'no_desk') return 'Nessuno sportello configurato: completa prima la configurazione iniziale.';
  if (code === 'print') return `Stampa non riuscita: ${message}`;
  return `Errore: ${message}`;
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
  const dayInput = h('input', { id: 'appt-day', inputmode: 'numeric', placeholder: 'gg/mm/aaaa', autocomplete: 'off' });
  const nameInput = h('input', { id: 'appt-name', maxlength: 100, autocomplete: 'off' });
  const phoneInput = h('input', { id: 'appt-phone', type: 'tel', autocomplete: 'off' });
  const languageSelect = h('select', { id: 'appt-language' });
  const form = h('form', { id: 'appt-form', class: 'appt-form', 'aria-labelledby': 'appt-new-title' },
    h('h2', { id: 'appt-new-title' }, 'Nuovo appuntamento'),
    ctx.accessId ? h('p', { id: 'appt-access-link', class: 'appt-note' }, 'Collegato all’accesso appena registrato.') : null,
    h('div', { class: 'field' }, h('label', { for: 'appt-kind' }, 'Tipo di appuntamento'), kindSelect),
    h('div', { class: 'field' }, h('label', { for: 'appt-slot' }, 'Orario libero'), slotSelect),
    h('div', { class: 'field inline' },
      h('label', { for: 'appt-day' }, 'Oppure un giorno preciso'),
      dayInput,
      h('button', { type: 'button', id: 'appt-day-show', onclick: () => loadSlots(true) }, 'Mostra orari'),
      h('button', { type: 'button', id: 'appt-day-next', onclick: () => { dayInput.value = ''; loadSlots(); } }, 'Primi liberi')),
    h('div', { class: 'field' }, h('label', { for: 'appt-name' }, 'Nome (facoltativo)'), nameInput),
    h('div', { class: 'field' }, h('label', { for: 'appt-phone' }, 'Telefono (facoltativo)'), phoneInput),
    h('div', { class: 'field' }, h('label', { for: 'appt-language' }, 'Lingua del foglietto (oltre all’italiano)'), languageSelect),
    h('button', { type: 'submit', id: 'appt-book', class: 'primary' }, 'Prenota'));
  form.addEventListener('submit', (e) => { e.preventDefault(); book(); });
  kindSelect.addEventListener('change', () => loadSlots(Boolean(dayInput.value.trim())));
  dayInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); loadSlots(true); }
  });

  // --- the slip of the current appointment ----------------------------------------
  const layoutSelect = h('select', { id: 'appt-layout' },
    LAYOUTS.map(([value, label]) => h('option', { value }, label)));
  const slipSummary = h('p', { id: 'appt-booked-summary' });
  const slipPanel = h('section', { id: 'appt-booked', class: 'appt-booked', 'aria-labelledby': 'appt-booked-title', hidden: true },
    h('h2', { id: 'appt-booked-title' }, 'Foglietto per la persona'),
    slipSummary,
    h('div', { class: 'field inline' },
      h('label', { for: 'appt-layout' }, 'Formato'), layoutSelect,
      h('button', { type: 'button', id: 'appt-print', onclick: printSlip }, 'Stampa'),
      h('button', { type: 'button', id: 'appt-save-pdf', onclick: savePdf }, 'Salva PDF')));

  // --- agenda ---------------------------------------------------------------------
  const agendaInput = h('input', { id: 'agenda-day', inputmode: 'numeric', placeholder: 'gg/mm/aaaa', autocomplete: 'off' });
  const agendaBody = h('tbody', { id: 'agenda-rows' });
  const agendaCaption = h('caption', { id: 'agenda-caption' });
  const movePanel = h('div', { id: 'appt-move', class: 'appt-move', hidden: true });
  const agenda = h('section', { class: 'appt-agenda', 'aria-labelledby': 'agenda-title' },
    h('h2', { id: 'agenda-title' }, 'Agenda del giorno'),
    h('div', { class: 'field inline' },
      h('label', { for: 'agenda-day' }, 'Giorno'), agendaInput,
      h('button', { type: 'button', id: 'agenda-show', onclick: () => showAgendaFromInput() }, 'Mostra'),
      h('button', { type: 'button', id: 'agenda-prev', onclick: () => loadAgenda(shiftDay(state.agendaDay, -1)) }, '◀ Giorno prima'),
      h('button', { type: 'button', id: 'agenda-next', onclick: () => loadAgenda(shiftDay(state.agendaDay, 1)) }, 'Giorno dopo ▶'),
      h('button', { type: 'button', id: 'agenda-print', onclick: printDay }, 'Stampa agenda')),
    movePanel,
    h('table', { id: 'agenda-table', class: 'agenda' },
      agendaCaption,
      h('thead', {}, h('tr', {},
        ['Ora', 'Tipo', 'Nome', 'Telefono', 'Codice', 'Lingua', 'Stato', 'Azioni'].map((t) => h('th', { scope: 'col' }, t)))),
      agendaBody));
  agendaInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); showAgendaFromInput(); }
  });

  root.replaceChildren(h('div', { class: 'appointments' },
    h('h1', {}, 'Appuntamenti back office'), status, h('div', { class: 'appt-top' }, form, slipPanel), agenda));

  // --- behaviour ------------------------------------------------------------------
  async function loadSlots(onDay = false) {
    const kind = kindSelect.value;
    if (!kind) return;
    try {
      let slots;
      if (onDay) {
        const day = parseDay(dayInput.value);
        if (!day) { say('Scrivi il giorno come gg/mm/aaaa, per esempio 04/03/2025.', true); dayInput.focus(); return; }
        slots = await ipc.freeSlotsOn(kind, day);
        if (!slots.length) {
          const closed = await ipc.deskClosedReason(day);
          say(closed
            ? `Il ${formatDay(day)} lo sportello è chiuso: ${closed}.`
            : `Nessun orario libero il ${formatDay(day)} (passato, senza back office o pieno).`, true);
        } else {
          say('');
        }
      } else {
        slots = await ipc.nextFreeSlots(kind, 12);
        if (!slots.length) say('Nessun orario libero nei prossimi mesi: controlla gli orari del back office.', true);
      }
      slotSelect.replaceChildren(...slots.map((s, i) =>
        h('option', { value: `${s.day} ${s.starts}`, selected: i === 0 }, slotLabel(s))));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function book() {
    const picked = slotSelect.value;
    if (!picked) { say('Scegli un orario.', true); slotSelect.focus(); return; }
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
      say(`Prenotato: ${weekday(appt.day)} ${formatDay(appt.day)} ore ${appt.starts}, codice ${appt.booking_code}.`);
      await loadSlots(Boolean(dayInput.value.trim()));
      if (appt.day === state.agendaDay) await loadAgenda(state.agendaDay);
      document.getElementById('appt-print').focus();
    } catch (err) {
      say(explain(err), true);
      const field = String((err && err.message) || '').split(':')[0];
      if (field === 'phone') phoneInput.focus();
      else if (field === 'person_name') nameInput.focus();
      if (err && err.code === 'conflict') await loadSlots(Boolean(dayInput.value.trim()));
    }
  }

  function languageName(code) {
    const l = state.languages.find((x) => x.code === code);
    return l ? l.name_it : code;
  }

  function showSlip(appt) {
    state.current = appt;
    const language = state.languages.find((l) => l.code === appt.language);
    slipSummary.replaceChildren(
      h('strong', {}, `${weekday(appt.day)} ${formatDay(appt.day)}, ore ${appt.starts}–${appt.ends}`),
      ` · ${appt.kind_label} · codice `,
      h('strong', { id: 'appt-booked-code', class: 'code' }, appt.booking_code),
      language && appt.language !== 'it'
        ? ` · italiano e ${language.name_it}` : ' · solo italiano');
    slipPanel.hidden = false;
  }

  async function printSlip() {
    if (!state.current) return;
    try {
      const outcome = await ipc.printAppointmentSlip(state.current.id, layoutSelect.value);
      say(outcome === 'cancelled' ? 'Stampa annullata.' : 'Foglietto inviato alla stampante.');
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
      say(`PDF salvato: ${written}`);
    } catch (err) {
      say(explain(err), true);
    }
  }

  function showAgendaFromInput() {
    const day = parseDay(agendaInput.value);
    if (!day) { say('Scrivi il giorno come gg/mm/aaaa, per esempio 04/03/2025.', true); agendaInput.focus(); return; }
    loadAgenda(day);
  }

  async function printDay() {
    try {
      const outcome = await ipc.printAgenda(state.agendaDay);
      say(outcome === 'cancelled' ? 'Stampa annullata.' : 'Agenda inviata alla stampante.');
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function loadAgenda(day) {
    state.agendaDay = day;
    agendaInput.value = formatDay(day);
    agendaCaption.textContent = `Appuntamenti di ${weekday(day)} ${formatDay(day)}`;
    try {
      const rows = await ipc.appointmentsAgenda(day);
      agendaBody.replaceChildren(...(rows.length ? rows.map(agendaRow)
        : [h('tr', {}, h('td', { colspan: 8 }, 'Nessun appuntamento.'))]));
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
      h('td', {}, a.kind_label),
      h('td', {}, a.person_name || (a.purged_at ? '(cancellato)' : '—')),
      h('td', {}, a.phone || '—'),
      h('td', { class: 'code' }, a.booking_code),
      h('td', {}, languageName(a.language)),
      h('td', {}, STATUS[a.status] || a.status),
      h('td', { class: 'actions' },
        act('Foglietto', 'agenda-slip', (x) => { showSlip(x); document.getElementById('appt-print').focus(); }, a.status !== 'cancelled'),
        act('Sposta', 'agenda-move', startMove, live),
        act(state.confirmCancel === a.id ? 'Conferma annullamento' : 'Annulla', 'agenda-cancel', cancel, live),
        act('Presente', 'agenda-attended', (x) => mark(x, 'attended'), live || a.status === 'no_show'),
        act('Assente', 'agenda-no-show', (x) => mark(x, 'no_show'), live || a.status === 'attended')));
  }

  async function cancel(a) {
    if (state.confirmCancel !== a.id) {
      state.confirmCancel = a.id;
      say(`Premi di nuovo per annullare l’appuntamento delle ${a.starts} (${a.booking_code}).`);
      await loadAgenda(state.agendaDay);
      document.getElementById(`agenda-cancel-${a.booking_code}`)?.focus();
      return;
    }
    state.confirmCancel = null;
    try {
      await ipc.cancelAppointment(a.id);
      say(`Appuntamento ${a.booking_code} annullato: l’orario è di nuovo libero.`);
      await loadAgenda(state.agendaDay);
      await loadSlots(Boolean(dayInput.value.trim()));
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function mark(a, outcome) {
    try {
      await ipc.markAppointment(a.id, outcome);
      say(`${a.booking_code}: ${outcome === 'attended' ? 'presente' : 'assente'}.`);
      await loadAgenda(state.agendaDay);
    } catch (err) {
      say(explain(err), true);
    }
  }

  async function startMove(a) {
    state.moving = a;
    const select = h('select', { id: 'appt-move-slot', size: 6 });
    const dayField = h('input', { id: 'appt-move-day', inputmode: 'numeric', placeholder: 'gg/mm/aaaa', autocomplete: 'off' });
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
      h('h3', {}, `Sposta ${a.booking_code} (${formatDay(a.day)} ${a.starts})`),
      h('div', { class: 'field' }, h('label', { for: 'appt-move-slot' }, 'Nuovo orario'), select),
      h('div', { class: 'field inline' },
        h('label', { for: 'appt-move-day' }, 'Oppure il giorno'), dayField,
        h('button', { type: 'button', id: 'appt-move-day-show', onclick: () => fill(true) }, 'Mostra orari')),
      h('div', { class: 'field inline' },
        h('button', { type: 'button', id: 'appt-move-confirm', class: 'primary', onclick: () => confirmMove(select.value) }, 'Conferma spostamento'),
        h('button', { type: 'button', id: 'appt-move-cancel', onclick: endMove }, 'Lascia com’è')));
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
      say(`Spostato a ${weekday(moved.day)} ${formatDay(moved.day)} ore ${moved.starts}: ristampa il foglietto.`);
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
      h('option', { value: k.code }, `${k.label_it} (${k.slot_minutes} min)`)));
    languageSelect.replaceChildren(...state.languages.map((l) =>
      h('option', { value: l.code }, l.code === 'it' ? 'Solo italiano'
        : `${l.name_it} (${l.name})`)));
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
