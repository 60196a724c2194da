// Ranking of nationalities for the type-ahead: the desk's frequent ones first.
// Pure, tested with `node --test`.

/** Lower case, without accents, so "cote" finds "Costa d'Avorio" and "e" finds "È". */
export function fold(text) {
  return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The entries matching `query`, best first, at most `limit`.
 *
 * - an empty query lists the frequent entries (in their frequency order), then the rest;
 * - a label that starts with the query beats one with a later word starting with it,
 *   which beats a bare code match ("MA");
 * - within each kind, frequent entries come first (most frequent first), then by label.
 *
 * `entries` are `{code, label}`; `frequent` is the list of codes, most frequent first.
 */
export function rank(entries, query, frequent = [], limit = 9) {
  const q = fold(query).trim();
  const freq = new Map(frequent.map((code, i) => [code, i]));
  const scored = [];
  for (const e of entries) {
    const label = fold(e.label);
    let kind;
    if (q === '') kind = 0;
    else if (label.startsWith(q)) kind = 0;
    else if (label.split(/[\s'/()-]+/).some((w) => w.startsWith(q))) kind = 1;
    else if (q.length === 2 && e.code.toLowerCase() === q) kind = 2;
    else continue;
    scored.push({ e, kind, f: freq.has(e.code) ? freq.get(e.code) : Infinity, label });
  }
  scored.sort((a, b) => a.kind - b.kind || a.f - b.f || a.label.localeCompare(b.label, 'it'));
  return scored.slice(0, limit).map((s) => s.e);
}
