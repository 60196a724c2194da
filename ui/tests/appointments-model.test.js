// The appointments' model: slots and days, the booking sent, agenda commands, messages.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  agendaCommands, bookingInput, cancelConfirmed, dayLabel, fieldToFix, kindLabel, languageOption, markedMessage,
  noSlotsOnMessage, printedMessage, readSlot, reloadSlotsAfter, slipSummary, slotLabel, slotValue,
} from '../js/views/appointments-model.js';

const slot = { day: '2025-03-04', starts: '09:30', ends: '10:00' };

test('days and slots read with the weekday, in the interface language', () => {
  setLanguage('it');
  assert.equal(dayLabel('2025-03-04'), 'Mar 04/03/2025');
  assert.equal(slotLabel(slot), 'Mar 04/03/2025  09:30–10:00');
  setLanguage('en');
  assert.equal(dayLabel('2025-03-03'), 'Mon 03/03/2025');
  setLanguage('it');
  assert.deepEqual(readSlot(slotValue(slot)), { day: '2025-03-04', starts: '09:30' });
  assert.equal(readSlot(''), null);
});

test('a booking needs a slot; blank name and phone are sent as null, the access as linked', () => {
  setLanguage('it');
  assert.ok(bookingInput({ slot: '', kind: 'k' }).error, 'no slot chosen');
  assert.deepEqual(bookingInput({
    slot: '2025-03-04 09:30', kind: 'permesso', name: '  ', phone: ' 333 ', language: 'ar', accessId: 'a1',
  }).input, {
    kind: 'permesso', day: '2025-03-04', starts: '09:30', person_name: null, phone: '333', language: 'ar',
    access_id: 'a1',
  });
  assert.equal(bookingInput({ slot: '2025-03-04 09:30', kind: 'k', language: 'it' }).input.access_id, null);
});

test('kinds and slip languages are named in the interface language', () => {
  const kinds = [{ code: 'k', label_it: 'Rinnovo', label_en: 'Renewal' }];
  setLanguage('en');
  assert.equal(kindLabel(kinds, 'k'), 'Renewal');
  assert.equal(kindLabel(kinds, 'gone', 'As stored'), 'As stored');
  setLanguage('it');
  assert.equal(kindLabel(kinds, 'k'), 'Rinnovo');
  assert.equal(languageOption({ code: 'it', name: 'italiano', name_it: 'italiano' }), 'Solo italiano');
  assert.equal(languageOption({ code: 'ar', name: 'العربية', name_it: 'arabo' }), 'arabo (العربية)');
});

test('the slip summary names the booking code and the languages', () => {
  setLanguage('it');
  const appt = { ...slot, kind: 'k', kind_label: 'K', booking_code: 'ABC123', language: 'ar' };
  const s = slipSummary(appt, { kinds: [], languages: [{ code: 'ar', name: 'x', name_it: 'arabo' }] });
  assert.equal(s.code, 'ABC123');
  assert.match(s.languages, /arabo/);
  assert.match(slipSummary({ ...appt, language: 'it' }, { kinds: [], languages: [] }).languages, /^ · /);
});

test('an agenda row offers the commands its status allows; cancel asks twice', () => {
  setLanguage('it');
  const booked = { id: 'x', status: 'booked', booking_code: 'C1' };
  assert.deepEqual(agendaCommands(booked, null).map((c) => c.command), ['slip', 'move', 'cancel', 'attended', 'no_show']);
  assert.equal(agendaCommands(booked, null)[2].id, 'agenda-cancel-C1', 'ids carry the booking code');
  assert.notEqual(agendaCommands(booked, 'x')[2].label, agendaCommands(booked, null)[2].label,
    'the second press reads as a confirmation');
  assert.deepEqual(agendaCommands({ ...booked, status: 'cancelled' }, null), []);
  assert.deepEqual(agendaCommands({ ...booked, status: 'attended' }, null).map((c) => c.command), ['slip', 'no_show'],
    'an attended one can still be turned into a no-show');
  assert.deepEqual(agendaCommands({ ...booked, status: 'no_show' }, null).map((c) => c.command), ['slip', 'attended']);
  assert.equal(cancelConfirmed(booked, null), false);
  assert.equal(cancelConfirmed(booked, 'x'), true);
});

test('what printing, marking and an empty day say', () => {
  setLanguage('it');
  assert.equal(printedMessage('cancelled', 'slip'), printedMessage('cancelled', 'agenda'));
  assert.notEqual(printedMessage('printed', 'slip'), printedMessage('printed', 'agenda'));
  assert.match(markedMessage('attended', 'C1'), /C1/);
  assert.notEqual(markedMessage('attended', 'C1'), markedMessage('no_show', 'C1'));
  assert.match(noSlotsOnMessage('2025-03-04', { kind: 'closure', reason: 'Santo patrono' }), /Santo patrono/);
  assert.match(noSlotsOnMessage('2025-03-04', { kind: 'closure', reason: '' }), /chiusura/);
  assert.match(noSlotsOnMessage('2025-03-04', null), /04\/03\/2025/);
});

test('holidays are named in the interface language, closures as typed', () => {
  const ferragosto = { kind: 'holiday', code: 'ferragosto', name: 'Ferragosto' };
  setLanguage('en');
  assert.match(noSlotsOnMessage('2025-08-15', ferragosto), /Assumption Day/);
  assert.match(noSlotsOnMessage('2025-04-21', { kind: 'holiday', code: 'pasquetta', name: 'x' }), /Easter Monday/);
  assert.match(noSlotsOnMessage('2025-03-04', { kind: 'closure', reason: '' }), /closure/);
  // A holiday newer than this interface keeps the core's Italian name.
  assert.match(noSlotsOnMessage('2025-03-04', { kind: 'holiday', code: 'nuova', name: 'Festa nuova' }), /Festa nuova/);
  setLanguage('it');
  assert.match(noSlotsOnMessage('2025-08-15', ferragosto), /Ferragosto/);
});

test('after a refusal: back to the field named, slots read again when one was taken', () => {
  assert.equal(fieldToFix({ code: 'invalid', field: 'phone' }), 'phone');
  assert.equal(fieldToFix({ code: 'invalid', field: 'day' }), null);
  assert.equal(reloadSlotsAfter({ code: 'conflict', reason: 'taken' }), true);
  assert.equal(reloadSlotsAfter({ code: 'invalid' }), false);
  assert.equal(reloadSlotsAfter(null), false);
});
