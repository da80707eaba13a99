import { describe, expect, it } from 'vitest';
import { givenMetering } from '../test/given-metering.js';
import { MeteringInputError } from './errors.js';
import type { ProviderRoutes } from './types.js';

const ROUTES: ProviderRoutes = {
  'address-validation': {
    AU: { provider: 'geoscape', fallbacks: ['google'] },
    US: { provider: 'smartystreets', fallbacks: ['google'] },
    default: { provider: 'google' },
  },
};

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('regional providers', () => {
  it('routes a region to its configured provider, and others to the default', () => {
    const { metering } = givenMetering({ providers: ROUTES });
    expect(metering.providers.forRegion('AU', 'address-validation')).toEqual({
      provider: 'geoscape',
      fallbacks: ['google'],
    });
    expect(metering.providers.forRegion('us', 'address-validation').provider).toBe('smartystreets');
    expect(metering.providers.forRegion('NZ', 'address-validation').provider).toBe('google');
    expect(() => metering.providers.forRegion('AU', 'geocoding')).toThrow(MeteringInputError);
  });

  it('records usage under the provider that answered', async () => {
    const { metering } = givenMetering({ providers: ROUTES });
    const answer = await metering.providers.call(
      'AU',
      'address-validation',
      async (provider) => `${provider}:ok`,
      {
        customerId: 'ann',
      },
    );
    expect(answer).toEqual({ provider: 'geoscape', result: 'geoscape:ok' });
    await metering.flush();
    expect(await metering.costs({ ...MARCH, groupBy: ['provider', 'region', 'customerId'] })).toMatchObject([
      {
        provider: 'geoscape',
        region: 'AU',
        customerId: 'ann',
        count: 1,
        failures: 0,
        costMicros: 3500,
        currency: 'AUD',
      },
    ]);
    await metering.close();
  });

  it('falls back when the primary throws, recording a failed call for it', async () => {
    const { metering } = givenMetering({ providers: ROUTES });
    const tried: string[] = [];
    const answer = await metering.providers.call(
      'US',
      'address-validation',
      async (provider) => {
        tried.push(provider);
        if (provider === 'smartystreets') throw new Error('503 from Smarty');
        return { verified: true, lookups: 2 };
      },
      { units: (result) => ({ requests: result.lookups }) },
    );
    expect(tried).toEqual(['smartystreets', 'google']);
    expect(answer).toEqual({ provider: 'google', result: { verified: true, lookups: 2 } });
    await metering.flush();
    expect(await metering.costs({ ...MARCH, groupBy: ['provider'] })).toMatchObject([
      { provider: 'google', count: 1, failures: 0, units: { requests: 2 } },
      { provider: 'smartystreets', count: 1, failures: 1, costMicros: 10_000, units: { requests: 1 } },
    ]);
    await metering.close();
  });

  it('throws the last provider’s error when every one fails, having recorded each failure', async () => {
    const { metering } = givenMetering({ providers: ROUTES });
    await expect(
      metering.providers.call('AU', 'address-validation', async (provider) => {
        throw new Error(`${provider} is down`);
      }),
    ).rejects.toThrow('google is down');
    await metering.flush();
    const rows = await metering.costs({ ...MARCH, groupBy: ['provider'] });
    expect(rows.map((row) => [row.provider, row.failures])).toEqual([
      ['geoscape', 1],
      ['google', 1],
    ]);
    await metering.close();
  });
});
