// The "Contesto" section of the report view, without DOM or IPC: the core's `Context`
// (ISTAT residents of the zone, or null when the year has none) turned into what the
// section draws, in the current language (81.608, 9,2% in Italian), the line that
// says where the figures come from, the message after a load, and the section's key.
// report-context.js draws it; tests run this under node.
//
// A table here has the report's shape: `{id, caption, columns, rows, note, textCells}`,
// each row `{head, cells, total}` with the cells formatted.

import { t, formatNumber, formatPercent } from '../i18n.js';

const n = (v) => formatNumber(v);
const p = (v) => formatPercent(v);

/** The residents of the zone: per municipality, then the zone's total. */
function residentsTable(c) {
  const row = (r, total) => ({
    head: total ? t('ctx.total') : r.municipality,
    cells: [
      n(r.males), n(r.females), n(r.total),
      n(r.foreign_males), n(r.foreign_females), n(r.foreign_total),
      p(r.foreign_share.males), p(r.foreign_share.females), p(r.foreign_share.total),
    ],
    total,
  });
  return {
    id: 'context-residents',
    caption: t('ctx.residents.caption', { year: c.year }),
    columns: [
      t('ctx.col.municipality'), t('ctx.col.males'), t('ctx.col.females'), t('ctx.col.total'),
      t('ctx.col.foreignMales'), t('ctx.col.foreignFemales'), t('ctx.col.foreignTotal'),
      t('ctx.col.shareMales'), t('ctx.col.shareFemales'), t('ctx.col.shareTotal'),
    ],
    rows: [...c.municipalities.map((r) => row(r, false)), row(c.total, true)],
  };
}

/** A desk's municipality: its largest nationalities with their share of its foreign
 * residents; a note when the year has none. */
function nationalitiesTable(c, d, deskName) {
  return {
    id: `context-nationalities-${d.desk}`,
    caption: t('ctx.nationalities.caption', {
      municipality: d.municipality,
      desk: deskName(d.desk),
      count: n(d.foreign_residents),
      year: c.year,
    }),
    columns: [t('ctx.col.nationality'), t('ctx.col.foreignResidents'), t('ctx.col.shareForeign')],
    rows: d.nationalities.map((x) => ({ head: x.name, cells: [n(x.residents), p(x.percent)], total: false })),
    note: d.nationalities.length === 0 ? t('ctx.nationalities.none', { year: c.year }) : null,
  };
}

/**
 * The section of `context` (the core's, or null) for `year`: `{empty, source, tables}`.
 * `empty` says the year has no context data (and how to load it); `source` where the
 * figures come from, with their note. `names.desk(code)` names a desk.
 */
export function contextSection(context, year, names = {}) {
  const deskName = names.desk ?? ((code) => code);
  if (!context) return { empty: t('ctx.empty', { year }), source: '', tables: [] };
  const source = context.note
    ? t('ctx.sourceNote', { source: context.source, note: context.note })
    : t('ctx.source', { source: context.source });
  return {
    empty: null,
    source,
    tables: [residentsTable(context), ...context.desks.map((d) => nationalitiesTable(context, d, deskName))],
  };
}

/** What the status line says after a load (the core's `Loaded`). */
export function loadedText(loaded) {
  const files = loaded.files.map((f) => f.name).join(', ');
  return loaded.nationalities > 0
    ? t('ctx.loaded', {
      year: loaded.year, municipalities: n(loaded.municipalities), nationalities: n(loaded.nationalities), files,
    })
    : t('ctx.loadedNoNationalities', { year: loaded.year, municipalities: n(loaded.municipalities), files });
}

/** What a key press means to the section, or null: Alt+I loads ISTAT files. */
export function contextShortcut(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return e.key.toLowerCase() === 'i' ? 'loadIstat' : null;
}
