// The store the engine's journeys run on: the memory store, unless a test setup installed another
// (packages/store-sql runs this whole suite once more on SQLite through `globalThis.billkitTestStore`).

import type { BillingStore } from '../src/store/billing-store.js';
import { memoryStore } from '../src/store/memory-store.js';

export function testStore(): BillingStore {
  const factory = (globalThis as { billkitTestStore?: () => BillingStore }).billkitTestStore;
  return factory ? factory() : memoryStore();
}
