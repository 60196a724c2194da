import test from 'node:test';
import assert from 'node:assert/strict';
import { html } from '../js/html.js';
import { keyFor, indexForKey } from '../js/keys.js';

test('interpolated values are escaped, nested templates are not', () => {
  const label = '<img src=x onerror="alert(1)">';
  const out = html`<li title="${label}">${label}</li>`.toString();
  assert.equal(out, '<li title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</li>');
  const list = html`<ul>${['a&b', 'c'].map((x) => html`<li>${x}</li>`)}</ul>`.toString();
  assert.equal(list, '<ul><li>a&amp;b</li><li>c</li></ul>');
  assert.equal(html`<p>${null}${false}${undefined}${0}</p>`.toString(), '<p>0</p>');
});

test('options get 1-9, 0, then letters', () => {
  assert.deepEqual([0, 8, 9, 10, 15].map(keyFor), ['1', '9', '0', 'a', 'f']);
  assert.equal(indexForKey('A', 16), 10, 'letters in either case');
  assert.equal(indexForKey('g', 16), -1, 'past the last option');
  assert.equal(indexForKey('Enter', 16), -1);
});
