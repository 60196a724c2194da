// The only module that touches window.__TAURI__: every call to the core goes through here.
const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);

export const getOwnDesk = () => invoke('get_own_desk');

// Export and import (views/sync.js).
export const exportToPath = (dir) => invoke('export_to_path', { dir });
export const getExportStatus = () => invoke('get_export_status');
export const planImport = (paths) => invoke('plan_import', { paths });
export const applyImport = (paths) => invoke('apply_import', { paths });
export const getImportStatus = () => invoke('get_import_status');

// Native dialogs (the dialog plugin): a folder, or export files; null when cancelled.
export const pickFolder = (title) =>
  window.__TAURI__.dialog.open({ directory: true, multiple: false, title });
export const pickExportFiles = (title) =>
  window.__TAURI__.dialog.open({
    multiple: true,
    title,
    filters: [{ name: 'Sportello export', extensions: ['jsonl'] }],
  });
