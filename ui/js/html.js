// An escaping tagged template: html`<p>${text}</p>` escapes every interpolated value,
// so codebook labels or messages can never inject markup. Nested html`` results,
// and arrays of them, are inserted as they are.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup that is already safe (built by `html`). */
export class Safe {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Escapes text for use in element content and quoted attribute values. */
export function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function part(value) {
  if (value instanceof Safe) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escape(value);
}

/** The tagged template: escapes every value, keeps nested `html` results. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += part(v) + strings[i + 1]; });
  return new Safe(out);
}

/** Replaces the content of `element` with `markup` (a `html` result). */
export function render(element, markup) {
  element.innerHTML = part(markup);
}
