// A group of options picked with single keys: radio buttons (one choice) or check
// boxes (several). The group is one tab stop (roving tabindex); the key shown next to
// an option picks it; a single choice then moves on to the next field by itself.
// A group of several can start from a default ("pristine", like a field whose text is
// selected): the first key typed there replaces the default instead of adding to it.
// A compact group (the long lists) shows, while the focus is elsewhere, only its first
// row of options and, beside its legend, what is chosen; the focus opens the whole list,
// where the same keys pick the same options.

import { html } from '../html.js';
import { keyFor } from '../keys.js';

/**
 * The markup of a group. `options` are `{value, label, key?}`; without `key` an option
 * gets 1-9, 0, a-z by position.
 */
export function choiceMarkup({ field, legend, options, multiple = false, wide = false, compact = false }) {
  const type = multiple ? 'checkbox' : 'radio';
  const list = html`<div class="options">
      ${options.map((o, i) => html`<label class="option">
        <input type="${type}" name="${field}" value="${o.value}" tabindex="-1"
          data-key="${o.key ?? keyFor(i)}">
        <kbd aria-hidden="true">${(o.key ?? keyFor(i)).toUpperCase()}</kbd>
        <span>${o.label}</span></label>`)}
    </div>`;
  return html`<fieldset class="choice${wide ? ' wide' : ''}${compact ? ' compact' : ''}" id="f-${field}"
      data-field="${field}" data-multiple="${multiple ? 'yes' : 'no'}" aria-describedby="e-${field}">
    <legend>${legend}</legend>
    ${compact ? html`<span class="chosen" aria-hidden="true"></span>` : ''}
    ${compact ? html`<div class="options-box">${list}</div>` : list}
    <p class="field-error" id="e-${field}"></p>
  </fieldset>`;
}

function inputs(fieldset) {
  return [...fieldset.querySelectorAll('input')];
}

/** The labels of the chosen options beside a compact group's legend (the inputs say it to screen readers). */
function summarize(fieldset) {
  const chosen = fieldset.querySelector('.chosen');
  if (!chosen) return;
  chosen.textContent = inputs(fieldset).filter((i) => i.checked)
    .map((i) => i.closest('label').querySelector('span').textContent).join('; ');
}

/** Makes exactly one input of the group reachable with Tab. */
function rove(fieldset, target) {
  const all = inputs(fieldset);
  const chosen = target ?? all.find((i) => i.checked) ?? all[0];
  for (const i of all) i.tabIndex = i === chosen ? 0 : -1;
}

/** The group's value: a code (or '') for one choice, an array of codes for several. */
export function choiceValue(fieldset) {
  const checked = inputs(fieldset).filter((i) => i.checked).map((i) => i.value);
  return fieldset.dataset.multiple === 'yes' ? checked : (checked[0] ?? '');
}

/**
 * Sets the group's value (a code, or an array of codes). With `pristine`, the value is
 * a default: the first key typed in the group replaces it.
 */
export function setChoice(fieldset, value, { pristine = false } = {}) {
  const wanted = new Set(Array.isArray(value) ? value : [value]);
  for (const i of inputs(fieldset)) i.checked = wanted.has(i.value);
  if (pristine) fieldset.dataset.pristine = 'yes';
  else delete fieldset.dataset.pristine;
  rove(fieldset);
  summarize(fieldset);
}

/**
 * Key handling of a group. `onPicked(fieldset)` runs after a single choice made with
 * its key (the caller moves the focus on); `onChange` after any change.
 */
export function wireChoice(fieldset, { onPicked, onChange }) {
  rove(fieldset);
  summarize(fieldset);
  const multiple = fieldset.dataset.multiple === 'yes';
  const changed = () => {
    summarize(fieldset);
    onChange?.(fieldset);
  };
  fieldset.addEventListener('change', () => {
    // A click or Space changes the default like any value: it is no longer one.
    delete fieldset.dataset.pristine;
    if (!multiple) rove(fieldset);
    changed();
  });
  fieldset.addEventListener('focusin', (e) => {
    if (e.target.matches('input')) rove(fieldset, e.target);
    // A compact group opens on focus over the fields below: all of it into view.
    if (fieldset.classList.contains('compact') && !fieldset.contains(e.relatedTarget)) {
      fieldset.querySelector('.options').scrollIntoView?.({ block: 'nearest' });
    }
  });
  // A click on a compact group's legend or margins opens it, without picking anything.
  fieldset.addEventListener('click', (e) => {
    if (fieldset.classList.contains('compact') && !e.target.closest('.option')) {
      inputs(fieldset).find((i) => i.tabIndex === 0)?.focus();
    }
  });
  fieldset.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const all = inputs(fieldset);
    const at = all.indexOf(document.activeElement);
    if (['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp'].includes(e.key)) {
      // Arrows only move: Space or the option's key selects (the same for both kinds).
      e.preventDefault();
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      const next = all[(Math.max(at, 0) + step + all.length) % all.length];
      rove(fieldset, next);
      next.focus();
      return;
    }
    if (e.key.length !== 1) return;
    const index = all.findIndex((i) => i.dataset.key === e.key.toLowerCase());
    if (index < 0) return;
    e.preventDefault();
    const input = all[index];
    if (multiple && fieldset.dataset.pristine === 'yes') {
      delete fieldset.dataset.pristine;
      for (const i of all) i.checked = i === input;
      rove(fieldset, input);
      input.focus();
      changed();
    } else if (multiple) {
      input.checked = !input.checked;
      rove(fieldset, input);
      input.focus();
      changed();
    } else {
      input.checked = true;
      rove(fieldset, input);
      changed();
      onPicked?.(fieldset);
    }
  });
}
