// Single-key accelerators for the options of a small list: 1-9, then 0, then a-z.
// Pure, so the same list always gets the same keys (operators learn them by heart).

const KEYS = '1234567890abcdefghijklmnopqrstuvwxyz';

/** The accelerator of the option at `index` (0-based), or '' past the 36th. */
export function keyFor(index) {
  return KEYS[index] ?? '';
}

/** The index an accelerator key selects among `count` options, or -1. */
export function indexForKey(key, count) {
  if (typeof key !== 'string' || key.length !== 1) return -1;
  const i = KEYS.indexOf(key.toLowerCase());
  return i >= 0 && i < count ? i : -1;
}
