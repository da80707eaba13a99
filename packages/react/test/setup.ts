// Unmounts what each test rendered (vitest runs without globals, so Testing Library cannot do it
// itself), and gives jsdom the CSS.escape that user-event's radio-group arrow keys use.

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

if (typeof window !== 'undefined' && !window.CSS?.escape) {
  const cssEscape = (value: string) => value.replace(/[^\w-]/g, (character) => `\\${character}`);
  Object.defineProperty(window, 'CSS', { value: { ...window.CSS, escape: cssEscape }, configurable: true });
}

afterEach(() => {
  cleanup();
});
