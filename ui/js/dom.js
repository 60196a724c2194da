// The few DOM helpers every view uses: finding elements, building them with text
// (never parsed as HTML), a status line, field errors and moving the focus into a
// field or a group of options. The only home of such helpers in the interface.

/** The first element matching `selector` inside `root` (the document by default). */
export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Every element matching `selector` inside `root`, as an array. */
export function $$(selector, root = document) {
  return [...root.querySelectorAll(selector)];
}

/**
 * Builds an element. `attrs`: `class`, `on<event>` listeners, or attributes (true means
 * present, false/null/undefined absent). Text children become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
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

/** Shows `text` in a status line; `error` gives it the error colour. */
export function say(element, text, error = false) {
  element.textContent = text;
  element.classList.toggle('error', error);
}

/** The input a Tab into a group of options lands on (its roving tab stop). */
export function focusTarget(group) {
  const inputs = [...group.querySelectorAll('input')];
  return inputs.find((i) => i.tabIndex === 0) ?? inputs[0];
}

/**
 * Moves the focus to an element, or into it when it is a group of options, and scrolls
 * it fully into view with its scroll margin (its label above, clear of the status line
 * below): at 200% zoom the engine's own focus scroll leaves it at the window's edge.
 */
export function focusInto(el) {
  if (!el) return;
  const target = el.matches('fieldset') ? focusTarget(el) : el;
  target?.focus();
  (el.matches('fieldset') ? el : target)?.scrollIntoView?.({ block: 'nearest' });
}

/** Focuses the element and selects its text (a field the operator will retype). */
export function focusSelect(el) {
  el.focus();
  el.select();
}

/** Field `field` (`#f-<field>`) of `root`, marked wrong with `text` in `#e-<field>`. */
export function showFieldError(root, field, text) {
  const p = root.querySelector(`#e-${field}`);
  if (p) p.textContent = text;
  const el = root.querySelector(`#f-${field}`);
  if (el) el.setAttribute('aria-invalid', 'true');
}

/** Clears every field error (messages and marks) inside `scope`. */
export function clearFieldErrors(scope) {
  for (const p of scope.querySelectorAll('.field-error')) p.textContent = '';
  for (const el of scope.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}
