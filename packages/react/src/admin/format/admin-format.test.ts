import { describe, expect, it } from 'vitest';
import { createAdminFormatters } from './admin-format.js';

describe('metered costs in micro-units', () => {
  const format = createAdminFormatters('en-AU', 'UTC');

  it('shows a cent or more like any amount, rounded to the cent', () => {
    expect(format.micros(1_530_000, 'AUD')).toBe('$1.53');
    expect(format.micros(1_234_567_890, 'AUD')).toBe('$1,234.57');
    expect(format.micros(10_000, 'aud')).toBe('$0.01');
    expect(format.micros(0, 'AUD')).toBe('$0.00');
  });

  it('keeps two significant digits of an amount under a cent, instead of "$0.00"', () => {
    expect(format.micros(4_200, 'AUD')).toBe('$0.0042');
    expect(format.micros(16, 'AUD')).toBe('$0.000016');
    expect(createAdminFormatters('en-GB').micros(4_200, 'AUD')).toBe('A$0.0042');
    // A currency without a minor unit: under one yen.
    expect(format.micros(420_000, 'JPY')).toMatch(/^JPY\s0\.42$/);
    expect(format.micros(4_200_000, 'JPY')).toMatch(/^JPY\s4$/);
  });

  it('shortens micro-units for chart axes', () => {
    expect(format.compactMicros(1_250_000_000, 'AUD')).toBe('$1.3K');
  });

  it('names a UTC day as itself, whatever the reader’s time zone', () => {
    expect(createAdminFormatters('en-AU', 'America/Los_Angeles').day('2026-03-14')).toBe('14 Mar 2026');
    expect(createAdminFormatters('en-AU', 'America/Los_Angeles').day('2026-03-14T00:00:00.000Z')).toBe(
      '14 Mar 2026',
    );
  });
});
