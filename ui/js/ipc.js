// The only module that touches window.__TAURI__: every call to the core goes through here.
const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);

export const getOwnDesk = () => invoke('get_own_desk');
