// Regional providers: which provider serves a capability in a region (AU: Geoscape, US:
// SmartyStreets, ...), with fallbacks tried in order; usage is recorded under the provider that
// actually answered, and a failed event for each one that threw.

import { performance } from 'node:perf_hooks';
import type { Clock } from '@billkit/core';
import { z } from 'zod';
import { MeteringInputError, parseMeteringInput } from './errors.js';
import type { Metering, ProviderRoute, ProviderRoutes, Units, UsageInput } from './types.js';

const text = z.string().min(1).max(200);

const routeSchema = z.strictObject({ provider: text, fallbacks: z.array(text).optional() });

export const providerRoutesSchema = z.record(text, z.record(text, routeSchema));

type CallDescription<R> = Parameters<Metering['providers']['call']>[3] & {
  units?: Units | ((result: R) => Units);
};

export interface ProviderDependencies {
  record(event: UsageInput): Promise<void>;
  clock: Clock;
  onMeteringError(error: unknown, describe: { provider: string; operation: string }): void;
}

/** The `providers` part of a Metering over `routes`. */
export function createProviders(
  routes: ProviderRoutes,
  dependencies: ProviderDependencies,
): Metering['providers'] {
  const forRegion = (region: string, capability: string): ProviderRoute => {
    parseMeteringInput(z.tuple([text, text]), [region, capability], 'providers.forRegion');
    const byRegion = routes[capability];
    const route = byRegion?.[region] ?? byRegion?.[region.toUpperCase()] ?? byRegion?.default;
    if (!route) {
      throw new MeteringInputError(`No provider is configured for ${capability} in ${region}`, [
        { path: 'capability', message: `no route for ${capability} in ${region} and no default` },
      ]);
    }
    return { provider: route.provider, fallbacks: [...(route.fallbacks ?? [])] };
  };

  const meter = async (event: UsageInput) => {
    try {
      await dependencies.record(event);
    } catch (error) {
      dependencies.onMeteringError(error, event);
    }
  };

  return {
    forRegion,
    async call<R>(
      region: string,
      capability: string,
      call: (provider: string) => Promise<R>,
      describe: CallDescription<R> = {},
    ): Promise<{ provider: string; result: R }> {
      const route = forRegion(region, capability);
      const { units, idempotencyKey, ...rest } = describe;
      let lastError: unknown;
      for (const provider of [route.provider, ...(route.fallbacks ?? [])]) {
        const at = rest.at ?? dependencies.clock.now();
        const started = performance.now();
        const base = { ...rest, provider, operation: capability, region, at };
        let result: R;
        try {
          result = await call(provider);
        } catch (error) {
          lastError = error;
          const durationMs = Math.round(performance.now() - started);
          await meter({ ...base, units: { requests: 1 }, durationMs, success: false });
          continue;
        }
        const durationMs = Math.round(performance.now() - started);
        await meter({
          ...base,
          units: unitsOf(units, result, (error) => dependencies.onMeteringError(error, base)),
          durationMs,
          success: true,
          ...keyOf(idempotencyKey),
        });
        return { provider, result };
      }
      throw lastError;
    },
  };
}

/** The units of an answer; a units function that throws meters the call as one request. */
function unitsOf<R>(
  units: Units | ((result: R) => Units) | undefined,
  result: R,
  onError: (error: unknown) => void,
): Units {
  if (typeof units !== 'function') return units ?? { requests: 1 };
  try {
    return units(result);
  } catch (error) {
    onError(error);
    return { requests: 1 };
  }
}

function keyOf(idempotencyKey: string | undefined): { idempotencyKey?: string } {
  return idempotencyKey === undefined ? {} : { idempotencyKey };
}
