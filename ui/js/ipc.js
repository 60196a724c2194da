// The only module that touches window.__TAURI__: every call to the core goes through here.
const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);

export const getOwnDesk = () => invoke('get_own_desk');

// The database the window works on: `{demo, can_leave}`. "Prova con dati dimostrativi"
// moves to the demo database beside the real one; "Esci dalla demo" comes back.
export const databaseKind = () => invoke('database_kind');
export const openDemo = () => invoke('open_demo');
export const leaveDemo = () => invoke('leave_demo');

// Desk, operator and language.
export const listDeskPresets = () => invoke('list_desk_presets');
export const setUpDesk = (desk, operator) => invoke('set_up_desk', { desk, operator });

// Operators: the sign-in, "Cambia operatore", the lock of the personal areas, and the
// accounts (a coordinator's). `sessionState` resolves to `{accounts, operators,
// signed_in, locked, lock_seconds}`; a refused PIN is `{code: 'wrong_pin' |
// 'retry_later', retry_after}` (seconds before the next attempt).
export const sessionState = () => invoke('session_state');
export const signIn = (id, pin) => invoke('sign_in', { id, pin });
export const recoverWithKey = (id, recoveryKey, newPin) => invoke('recover_with_key', { id, recoveryKey, newPin });
export const newRecoveryKey = () => invoke('new_recovery_key');
export const createFirstOperator = (operator) => invoke('create_first_operator', { operator });
export const signOut = () => invoke('sign_out');
export const noteActivity = () => invoke('note_activity');
export const lockNow = () => invoke('lock_now');
export const unlock = (pin) => invoke('unlock', { pin });
export const changeOwnPin = (current, newPin) => invoke('change_own_pin', { current, newPin });
export const listOperators = () => invoke('list_operators');
export const createOperator = (operator) => invoke('create_operator', { operator });
export const resetOperatorPin = (id, newPin) => invoke('reset_operator_pin', { id, newPin });
export const retireOperator = (id) => invoke('retire_operator', { id });
export const setLockMinutes = (minutes) => invoke('set_lock_minutes', { setting: { minutes } });
export const setLanguage = (language) => invoke('set_language', { language });
export const getLanguage = () => invoke('get_language');
export const getCodebook = () => invoke('get_codebook');

// The access register.
export const openRegister = () => invoke('open_register');
export const getRegisterDay = (date) => invoke('get_register_day', { date });
export const chooseRegisterProfile = (key, choice) => invoke('choose_register_profile', { key, choice });
export const hiddenRegisterProfiles = () => invoke('hidden_register_profiles');
// Resolves to `{accesses, offers}`: the accesses written (`count` identical ones), and
// the follow-ups the core offers for them: `offers.booking` (the access id to link a
// booking to, or null) and `offers.case` (`{case_type, opened_on, reason, access_id}`
// to prefill a case with, or null). The rule of which action offers what is the core's.
export const recordAccess = (input, count) => invoke('record_access', { input, count });
export const correctAccess = (id, expectedRevision, input) =>
  invoke('correct_access', { id, expectedRevision, input });
export const deleteAccess = (id, expectedRevision) =>
  invoke('delete_access', { id, expectedRevision });
export const undoLastSave = (last) => invoke('undo_last_save', { last });
export const getLastAccess = () => invoke('get_last_access');

// Back-office appointments (views/appointments.js; the register books with bookAppointment
// and input.access_id set to the access just recorded).
export const listAppointmentKinds = () => invoke('list_appointment_kinds');
export const listSlipLanguages = () => invoke('list_slip_languages');
export const nextFreeSlots = (kind, limit) => invoke('next_free_slots', { kind, limit });
export const freeSlotsOn = (kind, day) => invoke('free_slots_on', { kind, day });
export const deskClosedReason = (day) => invoke('desk_closed_reason', { day });
export const bookAppointment = (input) => invoke('book_appointment', { input });
export const rescheduleAppointment = (id, day, starts) =>
  invoke('reschedule_appointment', { id, day, starts });
export const cancelAppointment = (id) => invoke('cancel_appointment', { id });
export const markAppointment = (id, outcome) => invoke('mark_appointment', { id, outcome });
export const appointmentsAgenda = (day) => invoke('appointments_agenda', { day });
export const appointmentsForAccess = (accessId) => invoke('appointments_for_access', { accessId });
export const findAppointment = (code) => invoke('find_appointment', { code });
export const purgeAppointments = () => invoke('purge_appointments');
export const suggestedSlipPath = (code) => invoke('suggested_slip_path', { code });
export const saveAppointmentSlipPdf = (id, layout, path) =>
  invoke('save_appointment_slip_pdf', { id, layout, path });
export const printAppointmentSlip = (id, layout) => invoke('print_appointment_slip', { id, layout });
export const printAgenda = (day) => invoke('print_agenda', { day });
export const chooseSavePath = (defaultPath) => window.__TAURI__.dialog.save({
  defaultPath,
  filters: [{ name: 'PDF', extensions: ['pdf'] }],
});
// Export and import (views/sync.js).
export const exportToPath = (dir) => invoke('export_to_path', { dir });
export const getExportStatus = () => invoke('get_export_status');
export const planImport = (paths) => invoke('plan_import', { paths });
// `reopenYears`: the closed years whose reopening the coordinator confirmed in the preview.
export const applyImport = (plan, reopenYears = []) => invoke('apply_import', { plan, reopenYears });
export const getImportStatus = () => invoke('get_import_status');

// The coordinator's inbox (views/inbox.js): the folders the desks deliver to, the new
// files' plan, and the confirmation of some of them (`{files, new_desks, reopen_years}`).
export const getInbox = () => invoke('get_inbox');
export const getInboxFolders = () => invoke('get_inbox_folders');
export const setInboxFolders = (dirs) => invoke('set_inbox_folders', { dirs });
export const confirmInbox = (plan, confirmation) => invoke('confirm_inbox', { plan, confirmation });

// The desk's outbox (views/outbox.js): exports wait beside the database until they are
// delivered to the destination folder. A delivery that stops is in the report's
// `failure` (`{code, file, message}`), not an error.
export const getOutboxStatus = () => invoke('get_outbox_status');
export const setOutboxDestination = (dir) => invoke('set_outbox_destination', { dir });
export const exportToOutbox = () => invoke('export_to_outbox');
export const deliverOutbox = () => invoke('deliver_outbox');

// Encryption of the export files (views/encryption.js). The private key never crosses.
export const getEncryptionStatus = () => invoke('get_encryption_status');
export const setEncryptionRecipient = (recipient) =>
  invoke('set_encryption_recipient', { recipient });
export const createKeys = (backup, passphrase) => invoke('create_keys', { backup, passphrase });
export const setEncryptionRequired = (required) =>
  invoke('set_encryption_required', { required });
export const chooseBackupPath = (defaultPath) => window.__TAURI__.dialog.save({
  defaultPath,
  filters: [{ name: 'age', extensions: ['age'] }],
});

// The coordinator's receipts (views/receipts.js).
export const readReceipts = (paths) => invoke('read_receipts', { paths });
export const readDestinationReceipts = () => invoke('read_destination_receipts');
export const getReceiptStanding = () => invoke('get_receipt_standing');
export const redeliverExport = (sequence) => invoke('redeliver_export', { sequence });
export const pickReceiptFiles = (title) =>
  window.__TAURI__.dialog.open({
    multiple: true,
    title,
    filters: [{ name: 'Sportello receipt', extensions: ['jsonl'] }],
  });
// The window asked to close with records not exported: close it, or keep it open.
export const closeWindow = () => invoke('close_window');
export const keepWindowOpen = () => invoke('keep_window_open');
// The app's own events: `close-requested` (its payload: the records not exported) and
// `outbox-changed` (a delivery in the background did something).
export const onAppEvent = (name, handler) =>
  window.__TAURI__.event.listen(name, (event) => handler(event.payload));

// Native dialogs (the dialog plugin): a folder, or export files; null when cancelled.
export const pickFolder = (title) =>
  window.__TAURI__.dialog.open({ directory: true, multiple: false, title });
export const pickExportFiles = (title) =>
  window.__TAURI__.dialog.open({
    multiple: true,
    title,
    filters: [{ name: 'Sportello export', extensions: ['jsonl', 'age'] }],
  });

// Accompaniment cases (views/cases.js); the personal file stays on this machine.
export const casesOverview = (year) => invoke('cases_overview', { year });
export const getCase = (id) => invoke('get_case', { id });
export const openCase = (input) => invoke('open_case', { input });
export const correctCase = (id, expectedRevision, input) =>
  invoke('correct_case', { id, expectedRevision, input });
export const closeCase = (id, expectedRevision, closing) =>
  invoke('close_case', { id, expectedRevision, closing });
export const reopenCase = (id, expectedRevision) => invoke('reopen_case', { id, expectedRevision });
export const eraseCasePersonalData = (id) => invoke('erase_case_personal_data', { id });
export const addCaseFollowUp = (caseId, input) => invoke('add_case_follow_up', { caseId, input });
export const casesDueThisWeek = () => invoke('cases_due_this_week');
export const caseServiceKinds = () => invoke('case_service_kinds');
export const caseServices = (caseId) => invoke('case_services', { caseId });
export const involveCaseService = (caseId, service, involvedOn) =>
  invoke('involve_case_service', { caseId, service, involvedOn });
export const withdrawCaseService = (caseId, service) => invoke('withdraw_case_service', { caseId, service });
export const attachCaseDocuments = (caseId, paths, kind) => invoke('attach_case_documents', { caseId, paths, kind });
export const caseDocuments = (caseId) => invoke('case_documents', { caseId });
export const openCaseDocument = (id) => invoke('open_case_document', { id });
export const removeCaseDocument = (id) => invoke('remove_case_document', { id });
export const suggestedNoticePath = (language) => invoke('suggested_notice_path', { language });
export const saveCaseNoticePdf = (language, givenOn, path) =>
  invoke('save_case_notice_pdf', { language, givenOn, path });
export const printCaseNotice = (language, givenOn) => invoke('print_case_notice', { language, givenOn });
export const recordCaseNotice = (caseId, notice) => invoke('record_case_notice', { caseId, notice });
export const caseNotices = (caseId) => invoke('case_notices', { caseId });
export const printCaseFile = (caseId) => invoke('print_case_file', { caseId });
// Scans, photos and PDFs to attach to a case (several at once); null when cancelled.
export const pickDocuments = (title) =>
  window.__TAURI__.dialog.open({
    multiple: true,
    title,
    filters: [{ name: 'PDF, foto, scansioni', extensions: ['pdf', 'jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'heic', 'heif', 'gif'] }],
  });
export const deleteCase = (id, expectedRevision) => invoke('delete_case', { id, expectedRevision });
export const addCaseNote = (caseId, body) => invoke('add_case_note', { caseId, body });
export const caseNotes = (caseId) => invoke('case_notes', { caseId });

// The yearly report (views/report.js): exact tables and charts (SVG) for the screen;
// the CSV (published or exact), the published XLSX and the published PDF written by the
// core at the path chosen in the save dialog (the PDF dialog is chooseSavePath's).
export const reportYears = () => invoke('report_years');
export const reportTables = (year, desk) => invoke('report_tables', { year, desk });
export const reportCompleteness = (year) => invoke('report_completeness', { year });
export const saveReportCsv = (year, desk, exact, path) =>
  invoke('save_report_csv', { year, desk, exact, path });
export const chooseCsvPath = (defaultPath) => window.__TAURI__.dialog.save({
  defaultPath,
  filters: [{ name: 'CSV', extensions: ['csv'] }],
});
export const saveReportXlsx = (year, desk, exact, path) =>
  invoke('save_report_xlsx', { year, desk, exact, path });
export const chooseXlsxPath = (defaultPath) => window.__TAURI__.dialog.save({
  defaultPath,
  filters: [{ name: 'Excel', extensions: ['xlsx'] }],
});

// The years of the report (closed or open) and the report's texts (views/report-texts.js).
export const reportYearState = (year) => invoke('report_year_state', { year });
export const closeReportYear = (year) => invoke('close_report_year', { year });
export const reopenReportYear = (year, reason) => invoke('reopen_report_year', { year, reason });
export const reportTexts = (year) => invoke('report_texts', { year });
export const saveReportText = (year, section, text) =>
  invoke('save_report_text', { year, section, text });
// The report's context tables (views/report-context.js): a year's ISTAT residents of
// the zone (null when none is loaded), and a year loaded from ISTAT's files (CSV, or the
// ZIP as downloaded) chosen in the open dialog (null when cancelled).
export const reportContext = (year) => invoke('report_context', { year });
export const loadContext = (year, paths) => invoke('load_context', { year, paths });
export const pickIstatFiles = (title) =>
  window.__TAURI__.dialog.open({
    multiple: true,
    title,
    filters: [{ name: 'ISTAT (CSV, ZIP)', extensions: ['csv', 'zip'] }],
  });
export const reportCharts = (year, desk) => invoke('report_charts', { year, desk });
export const saveReportPdf = (year, desk, exact, path) =>
  invoke('save_report_pdf', { year, desk, exact, path });

// Backups (views/backup.js): the folder, "Esegui backup ora", the list, a restore.
export const getBackupStatus = () => invoke('get_backup_status');
export const takeBackup = () => invoke('take_backup');
export const setBackupFolder = (dir) => invoke('set_backup_folder', { dir });
export const checkBackupFile = (path) => invoke('check_backup_file', { path });
export const restoreBackup = (path) => invoke('restore_backup', { path });
export const pickBackupFile = (title) =>
  window.__TAURI__.dialog.open({
    multiple: false,
    title,
    filters: [{ name: 'Sportello backup', extensions: ['db', 'bak', 'sqlite'] }],
  });
