import { describe, expect, it } from 'vitest';
import { MeteringInputError, MissingExchangeRateError } from './errors.js';
import { createFx, currencyExponent } from './fx.js';

describe('FX conversion', () => {
  const fx = createFx({ base: 'AUD', rates: { USD: '1.53', EUR: '1.6525' } });

  it('converts into the base currency at its rate', () => {
    expect(fx.convert(1_000_000, 'USD', 'AUD')).toBe(1_530_000);
    expect(fx.convert(2_400, 'USD', 'AUD')).toBe(3_672);
  });

  it('converts out of the base currency, half up', () => {
    expect(fx.convert(1_530_000, 'AUD', 'USD')).toBe(1_000_000);
    expect(fx.convert(1, 'AUD', 'USD')).toBe(1); // 0.65 → 1
    expect(fx.convert(100, 'AUD', 'USD')).toBe(65); // 65.359...
  });

  it('converts between two other currencies through the base', () => {
    // 1 USD = 1.53 / 1.6525 EUR
    expect(fx.convert(1_652_500, 'USD', 'EUR')).toBe(1_530_000);
  });

  it('leaves an amount alone when the currencies are the same, even without a table', () => {
    expect(createFx().convert(123, 'USD', 'USD')).toBe(123);
  });

  it('names the currency it has no rate for', () => {
    expect(() => fx.convert(1, 'GBP', 'AUD')).toThrow(MissingExchangeRateError);
    expect(() => createFx().convert(1, 'USD', 'AUD')).toThrow(/No exchange rate to convert USD into AUD/);
    expect(fx.canConvert('GBP', 'AUD')).toBe(false);
    expect(fx.canConvert('USD', 'EUR')).toBe(true);
  });

  it('refuses rates that are not positive decimal strings', () => {
    expect(() => createFx({ base: 'AUD', rates: { USD: 1.53 as unknown as string } })).toThrow(
      MeteringInputError,
    );
    expect(() => createFx({ base: 'AUD', rates: { USD: '0' } })).toThrow(MeteringInputError);
    expect(() => createFx({ base: 'Australian', rates: {} })).toThrow(MeteringInputError);
  });

  it('knows how many decimals a currency has', () => {
    expect(currencyExponent('AUD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
  });
});
