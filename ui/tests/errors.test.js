// The one error-to-text function: refusals by reason, rejections by kind, the rest by
// code and field, per area; and every reason and kind of the core has its words.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLanguage, dictionaries } from '../js/i18n.js';
import { describeError, errorText, isStale, rejectionText } from '../js/errors.js';

const appointments = (err) => errorText(err, { area: 'appointments' });
const exportError = (err, folder) => errorText(err, { area: 'export', folder });

/**
 * The variants of the core's enum `name`, in snake case, wherever under src/ it is
 * defined (the core's modules move; the enum's name is what the interface relies on).
 */
function coreVariants(name) {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = readdirSync(src, { recursive: true }).filter((f) => f.endsWith('.rs'));
  for (const file of files) {
    const source = readFileSync(join(src, file), 'utf8');
    const body = new RegExp(`pub enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
    if (body) {
      return [...body.matchAll(/^\s{4}([A-Z]\w*),$/gm)]
        .map((m) => m[1].replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase()));
    }
  }
  return [];
}

test('every problem of a refused ISTAT file has its text in both languages', () => {
  const problems = coreVariants('ProblemKind');
  assert.ok(problems.includes('missing_municipality') && problems.length >= 20, `problems read from the core: ${problems}`);
  for (const lang of ['it', 'en']) {
    for (const problem of problems) {
      assert.ok(dictionaries[lang][`ctx.err.${problem}`], `${lang}: no text for problem ${problem}`);
    }
  }
});

test('every refusal reason of the core has its text in both languages', () => {
  const reasons = coreVariants('Refusal');
  assert.ok(reasons.includes('not_a_slot') && reasons.length >= 8, `reasons read from the core: ${reasons}`);
  for (const lang of ['it', 'en']) {
    for (const reason of reasons) {
      assert.ok(dictionaries[lang][`appt.refusal.${reason}`], `${lang}: no text for refusal ${reason}`);
    }
  }
});

test('every rejection kind of the core has its text in both languages', () => {
  const kinds = coreVariants('RejectionKind');
  assert.ok(kinds.includes('unknown_codes') && kinds.length > 20, `kinds read from the core: ${kinds}`);
  for (const lang of ['it', 'en']) {
    for (const kind of kinds) {
      assert.ok(dictionaries[lang][`rej.${kind}`], `${lang}: no text for rejection ${kind}`);
    }
  }
});

test('a refusal is told by its reason, whatever the English message says', () => {
  setLanguage('it');
  const past = { code: 'invalid', field: 'starts', reason: 'past', message: 'starts: the desk is closed' };
  assert.equal(appointments(past), 'Orario già passato: scegline uno successivo.',
    'the reason decides, not words in the message');
  assert.equal(appointments({ code: 'conflict', field: 'starts', reason: 'taken', message: 'x' }),
    'Orario appena preso da un’altra prenotazione: scegline un altro.');
  setLanguage('en');
  assert.equal(appointments({ code: 'invalid', field: 'status', reason: 'not_yet_day', message: 'x' }),
    'Attended or no-show is marked on the day of the appointment.');
  setLanguage('it');
});

test('a closed day names the holiday or closure', () => {
  setLanguage('it');
  const closed = { code: 'invalid', field: 'day', reason: 'closed', detail: 'Pasqua', message: 'x' };
  assert.equal(appointments(closed), 'Lo sportello è chiuso quel giorno (Pasqua): scegli un altro giorno.');
  setLanguage('en');
  assert.equal(appointments(closed), 'The desk is closed that day (Pasqua): choose another day.');
  assert.equal(appointments({ ...closed, detail: undefined }),
    'The desk is closed that day: choose another day.', 'no name, no empty brackets');
  assert.equal(appointments({ ...closed, detail: 'holiday:santo_stefano' }),
    'The desk is closed that day (St Stephen’s Day): choose another day.', 'a holiday in English');
  setLanguage('it');
});

test('appointment field errors and unknown reasons', () => {
  setLanguage('it');
  assert.match(appointments({ code: 'invalid', field: 'phone', message: 'x' }), /^Telefono non valido/);
  assert.equal(appointments({ code: 'invalid', field: 'status', message: 'x' }),
    'Operazione non possibile per lo stato di questo appuntamento.');
  assert.equal(appointments({ code: 'invalid', reason: 'brand_new', message: 'day: what the core said' }),
    'Errore: day: what the core said', 'a reason newer than the interface shows the core message, not a key');
  assert.equal(appointments({ code: 'conflict', message: 'could not draw a free booking code: try again' }),
    'Errore: could not draw a free booking code: try again', 'a conflict without reason is not a taken slot');
  assert.equal(appointments({ code: 'no_desk', message: 'x' }), dictionaries.it['appt.err.noDesk'],
    'the appointments say what to do without a desk');
  assert.equal(appointments({ code: 'print', message: 'no printer' }), dictionaries.it['appt.err.print'].replace('{message}', 'no printer'));
});

test('register errors mark the field the core names, with the field\'s own message', () => {
  setLanguage('it');
  assert.deepEqual(describeError({ code: 'invalid', field: 'hour', message: 'hour: 25' }),
    { field: 'hour', text: 'Ora non valida: da 0 a 23.' });
  assert.deepEqual(describeError({ code: 'invalid', field: 'desk', message: 'x' }),
    { field: 'code', text: dictionaries.it['err.code'] }, 'the core\'s desk is the setup form\'s code');
  assert.deepEqual(describeError({ code: 'invalid', field: 'opened_on', message: 'opened_on: 1999' }),
    { field: 'opened_on', text: 'Operazione non riuscita (invalid): opened_on: 1999' },
    'a field without words of its own is still marked, with the core\'s message');
  assert.deepEqual(describeError({ code: 'conflict', message: 'x' }),
    { field: null, text: dictionaries.it['err.conflict'] });
  assert.equal(errorText({ code: 'not_found', message: 'x' }), dictionaries.it['err.not_found']);
  assert.equal(errorText({ code: 'storage', message: 'disk full' }), 'Operazione non riuscita (storage): disk full');
  assert.equal(errorText('boom'), 'Operazione non riuscita (error): boom', 'a bare string still reads');
});

test('stale records: the list is read again after a conflict or a missing record', () => {
  assert.equal(isStale({ code: 'conflict' }), true);
  assert.equal(isStale({ code: 'not_found' }), true);
  assert.equal(isStale({ code: 'invalid' }), false);
  assert.equal(isStale(undefined), false);
});

test('a rejection names the line and the field, in Italian and English', () => {
  const r = { kind: 'missing', line: 3, field: 'sex', message: 'missing' };
  setLanguage('it');
  assert.equal(rejectionText(r), 'Riga 3, campo «sex» (sesso): manca.');
  assert.equal(errorText(r), 'Riga 3, campo «sex» (sesso): manca.', 'the one error function reads rejections too');
  setLanguage('en');
  assert.equal(rejectionText(r), 'Line 3, field "sex" (sex): missing.');
  setLanguage('it');
  assert.equal(
    rejectionText({ kind: 'truncated', line: null, field: null, message: 'x' }),
    'Il file è incompleto (una copia interrotta?): chiedi allo sportello di rimandarlo.',
    'no line nor field: the sentence starts with a capital',
  );
  assert.equal(
    rejectionText({ kind: 'unknown_field', line: 12000, field: 'name', message: 'x' }),
    'Riga 12.000, campo «name»: campo che la versione 1 del formato non prevede.',
    'a field outside the format has no translation; line numbers use Italian separators',
  );
});

test('unknown codes are listed with field and line, and a new kind does not show a key', () => {
  setLanguage('it');
  const codes = [{ line: 4, field: 'reasons', code: 'bonus_x' }, { line: 9, field: 'nationality', code: 'XX' }];
  const text = rejectionText({ kind: 'unknown_codes', line: null, field: null, codes, message: 'x' });
  assert.match(text, /«reasons» \(causali\) «bonus_x» \(riga 4\), «nationality» \(nazionalità\) «XX» \(riga 9\)/);
  const many = Array.from({ length: 13 }, (_, i) => ({ line: i + 2, field: 'sex', code: `s${i}` }));
  assert.match(rejectionText({ kind: 'unknown_codes', codes: many, message: 'x' }), /e altri 3\./);
  assert.equal(
    rejectionText({ kind: 'brand_new', line: null, field: null, message: 'what the core said' }),
    'Brand_new: what the core said',
  );
});

test('export errors are told by code, naming the folder', () => {
  setLanguage('it');
  assert.match(exportError({ code: 'io', message: '/x: Permission denied' }, '/media/usb'),
    /^Impossibile scrivere in «\/media\/usb»/);
  assert.match(exportError({ code: 'invalid', field: 'out', message: 'x' }, '/tmp/nope'),
    /«\/tmp\/nope» non è una cartella/);
  assert.equal(exportError({ code: 'invalid', field: 'period', message: 'x' }, '/a'), dictionaries.it['sync.err.period']);
  assert.equal(exportError({ code: 'no_desk', message: 'x' }, '/a'), 'Nessuno sportello configurato.');
  assert.equal(exportError({ code: 'invalid', field: 'date', message: 'date: x' }, '/a'),
    'Operazione non riuscita (invalid): date: x', 'an export has no form: other fields read as the core said');
  setLanguage('en');
  assert.match(exportError({ code: 'io', message: 'x' }, '/media/usb'), /^Cannot write into "\/media\/usb"/);
  setLanguage('it');
});

test('a failed report save is told in Italian by code and field, naming the file', () => {
  setLanguage('it');
  const report = (err) => errorText(err, { area: 'report', file: '/home/u/rapporto-2023.xlsx' });
  assert.match(report({ code: 'io', message: '/home/u: Permission denied' }),
    /^Impossibile salvare «\/home\/u\/rapporto-2023\.xlsx»/);
  assert.equal(report({ code: 'invalid', field: 'path', message: 'x' }), dictionaries.it['report.err.path']);
  assert.equal(report({ code: 'invalid', field: 'xlsx', message: 'x' }), dictionaries.it['report.err.xlsx']);
  assert.match(report({ code: 'invalid', field: 'path', reason: 'wrong_file_type', detail: '.pdf', message: 'x' }),
    /deve finire con \.pdf/);
  assert.match(report({ code: 'invalid', field: 'path', reason: 'private_folder', message: 'x' }),
    /file dell’app/);
  setLanguage('en');
  assert.match(report({ code: 'io', message: 'x' }), /^Cannot save "\/home\/u\/rapporto-2023\.xlsx"/);
  setLanguage('it');
});

test('a reason the interface does not know: the register still reads the code and field', () => {
  setLanguage('it');
  assert.deepEqual(describeError({ code: 'invalid', field: 'date', reason: 'brand_new', message: 'x' }),
    { field: 'date', text: dictionaries.it['err.date'] });
  assert.deepEqual(describeError({ code: 'invalid', field: 'day', reason: 'past', message: 'x' }),
    { field: 'day', text: 'Orario già passato: scegline uno successivo.' }, 'a known reason reads the same everywhere');
});

test('the encryption settings word their errors, in Italian', () => {
  setLanguage('it');
  const keys = (err) => errorText(err, { area: 'keys' });
  assert.match(keys({ code: 'invalid', field: 'recipient', message: 'x' }), /chiave pubblica/);
  assert.match(keys({ code: 'invalid', field: 'passphrase', message: 'x' }), /12 caratteri/);
  assert.match(keys({ code: 'conflict', message: 'x' }), /non vengono mai sostituite/);
  assert.match(
    rejectionText({ kind: 'wrong_key', message: 'x' }),
    /un’altra chiave/,
    'a file for another key',
  );
});
