// The nationality type-ahead: a text box with a numbered list of suggestions, the
// desk's frequent nationalities first. Typing filters; 1-9 picks a numbered entry;
// Enter or Tab takes the highlighted one; arrows move the highlight; Esc closes.

import { html, render } from '../html.js';
import { rank } from '../typeahead.js';

export function comboMarkup({ field, label, hint }) {
  return html`<div class="combo" id="w-${field}" data-field="${field}">
    <label for="f-${field}">${label}</label>
    <input id="f-${field}" type="text" role="combobox" autocomplete="off" spellcheck="false"
      aria-autocomplete="list" aria-expanded="false" aria-controls="l-${field}"
      aria-describedby="h-${field} e-${field}">
    <ul id="l-${field}" role="listbox" class="suggestions" hidden></ul>
    <p class="hint" id="h-${field}">${hint}</p>
    <p class="field-error" id="e-${field}"></p>
  </div>`;
}

export class Combobox {
  /**
   * `entries`: `{code, label}`; `frequent`: codes, most frequent first;
   * `onPicked()`: runs after a choice made from the keyboard (the caller moves on).
   */
  constructor(root, { entries, frequent, onPicked, onChange }) {
    this.input = root.querySelector('input');
    this.list = root.querySelector('ul');
    this.entries = entries;
    this.frequent = frequent;
    this.onPicked = onPicked;
    this.onChange = onChange;
    this.code = '';
    this.shown = [];
    this.active = 0;
    this.input.addEventListener('input', () => {
      this.code = '';
      this.onChange?.();
      this.open();
    });
    this.input.addEventListener('focus', () => this.open());
    this.input.addEventListener('blur', () => {
      // A typed name that matches one entry exactly counts as chosen.
      if (!this.code) {
        const typed = this.input.value.trim().toLowerCase();
        const exact = this.entries.find((e) => e.label.toLowerCase() === typed);
        if (exact) this.choose(exact);
      }
      this.close();
    });
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.list.addEventListener('mousedown', (e) => {
      const li = e.target.closest('li');
      if (!li) return;
      e.preventDefault();
      this.choose(this.shown[Number(li.dataset.index)]);
      this.onPicked?.();
    });
  }

  get value() { return this.code; }

  /** Sets the chosen code (or '' to clear). */
  set value(code) {
    const entry = this.entries.find((e) => e.code === code);
    this.code = entry ? entry.code : '';
    this.input.value = entry ? entry.label : '';
  }

  choose(entry) {
    if (!entry) return;
    this.code = entry.code;
    this.input.value = entry.label;
    this.onChange?.();
    this.close();
  }

  /** New frequent codes (they change as the day's accesses are saved). */
  setFrequent(frequent) {
    this.frequent = frequent;
  }

  open() {
    const query = this.code ? '' : this.input.value;
    // With nothing typed, the list is worth showing only when it starts with the
    // desk's frequent nationalities; otherwise it would be the alphabet's first nine.
    if (query.trim() === '' && this.frequent.length === 0) {
      this.shown = [];
      this.close();
      return;
    }
    this.shown = rank(this.entries, query, this.frequent, 9);
    // Nothing typed: only the frequent ones, so 1-9 always mean the same few countries.
    if (query.trim() === '') this.shown = this.shown.filter((e) => this.frequent.includes(e.code));
    this.active = 0;
    this.draw();
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  draw() {
    if (this.shown.length === 0) { this.close(); return; }
    const id = this.list.id;
    render(this.list, this.shown.map((e, i) => html`<li role="option" id="${id}-${i}"
      data-index="${i}" aria-selected="${i === this.active ? 'true' : 'false'}"
      class="${this.frequent.includes(e.code) ? 'frequent' : ''}"><kbd>${i + 1}</kbd>
      <span>${e.label}</span></li>`));
    const open = this.shown.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) this.input.setAttribute('aria-activedescendant', `${id}-${this.active}`);
  }

  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const open = !this.list.hidden;
    if (/^[1-9]$/.test(e.key)) {
      // Names have no digits: a digit always picks a numbered suggestion.
      e.preventDefault();
      if (!open) this.open();
      const entry = this.shown[Number(e.key) - 1];
      if (entry) {
        this.choose(entry);
        this.onPicked?.();
      }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) { this.open(); return; }
      const n = this.shown.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.draw();
      return;
    }
    if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    const typed = this.input.value.trim() !== '' && !this.code;
    if ((e.key === 'Enter' || (e.key === 'Tab' && !e.shiftKey)) && open && typed && this.shown[this.active]) {
      // Take the highlighted suggestion; Tab then moves on by itself, Enter is told to.
      this.choose(this.shown[this.active]);
      if (e.key === 'Enter') {
        e.preventDefault();
        e.stopPropagation();
        this.onPicked?.();
      }
    }
  }
}
