// Runs @billkit/core's journeys once more on SQLite: core's tests take their store from
// `globalThis.billkitTestStore`, and here it is a fresh in-memory SQLite store, migrated on first use.

import type { BillingStore } from '@billkit/core';
import { sqliteStore } from '../src/index.js';

/** A store whose every call first waits for its migrations (the tests build stores synchronously). */
function migratedOnFirstUse(store: BillingStore): BillingStore {
  const ready = store.migrate();
  const waitThen =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ready;
      return fn(...args);
    };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'migrate') return () => ready;
      if (typeof value === 'function') return waitThen(value.bind(target));
      if (value && typeof value === 'object' && property !== 'capabilities') {
        return new Proxy(value, {
          get(repository, name) {
            const method = Reflect.get(repository, name);
            return typeof method === 'function' ? waitThen(method.bind(repository)) : method;
          },
        });
      }
      return value;
    },
  });
}

(globalThis as { billkitTestStore?: () => BillingStore }).billkitTestStore = () =>
  migratedOnFirstUse(sqliteStore({ filename: ':memory:' }));
