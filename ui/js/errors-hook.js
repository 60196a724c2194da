// Loaded first, as a classic script: records every script error and unhandled promise
// rejection of the page, so the end-to-end test can fail on them (it reads
// window.__sportelloErrors back), and a developer sees them in the console.
window.__sportelloErrors = [];
window.addEventListener('error', (e) => {
  window.__sportelloErrors.push(`${e.message} at ${e.filename}:${e.lineno}`);
});
window.addEventListener('unhandledrejection', (e) => {
  const r = e.reason;
  window.__sportelloErrors.push(`unhandled rejection: ${r && (r.message || r.code) ? `${r.code ?? ''} ${r.message ?? ''}` : String(r)}`);
});
