// Copies a store's mirror (customers, their payment methods and credits, subscriptions, invoices,
// payments, refunds, disputes and the MRR ledger) into another store, page by page through the
// storage port, so the same history can be asked of every database.

import type { BillingStore, Page, PageRequest } from '@billkit/core';

export interface CopyCounts {
  customers: number;
  paymentMethods: number;
  credits: number;
  subscriptions: number;
  invoices: number;
  payments: number;
  refunds: number;
  disputes: number;
  mrrMovements: number;
}

const PAGE = 100;

/** Every item of a paged list, in its order. */
export async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page: Page<T> = await list({ limit: PAGE, after });
    items.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return items;
}

/** Writes `items` into `target`, a page per transaction. */
async function writeAll<T>(
  target: BillingStore,
  items: T[],
  write: (session: Parameters<Parameters<BillingStore['transaction']>[0]>[0], item: T) => Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < items.length; i += PAGE) {
    await target.transaction(async (session) => {
      for (const item of items.slice(i, i + PAGE)) await write(session, item);
    });
  }
  return items.length;
}

/** Copies `source`'s mirror into an empty, migrated `target`; answers how many rows of each. */
export async function copyStore(source: BillingStore, target: BillingStore): Promise<CopyCounts> {
  const customers = await allPages((page) => source.customers.list(page));
  const paymentMethods = (
    await Promise.all(customers.map((c) => source.paymentMethods.listByCustomer(c.stripeCustomerId)))
  ).flat();
  const credits = (
    await Promise.all(customers.map((c) => allPages((page) => source.credits.listByUserId(c.userId, page))))
  ).flat();
  const mrrMovements = await allPages((page) => source.mrr.list(page));
  return {
    customers: await writeAll(target, customers, (s, row) => s.customers.upsert(row)),
    paymentMethods: await writeAll(target, paymentMethods, (s, row) => s.paymentMethods.upsert(row)),
    credits: await writeAll(target, credits, (s, row) => s.credits.upsert(row)),
    subscriptions: await writeAll(
      target,
      await allPages((page) => source.subscriptions.list(page)),
      (s, row) => s.subscriptions.upsert(row),
    ),
    invoices: await writeAll(target, await allPages((page) => source.invoices.list(page)), (s, row) =>
      s.invoices.upsert(row),
    ),
    payments: await writeAll(target, await allPages((page) => source.payments.list(page)), (s, row) =>
      s.payments.upsert(row),
    ),
    refunds: await writeAll(target, await allPages((page) => source.refunds.list(page)), (s, row) =>
      s.refunds.upsert(row),
    ),
    disputes: await writeAll(target, await allPages((page) => source.disputes.list(page)), (s, row) =>
      s.disputes.upsert(row),
    ),
    mrrMovements: await writeAll(target, mrrMovements, (s, row) => s.mrr.append(row)),
  };
}

/** How many rows of each the store holds (to check a copy is whole). */
export async function countRows(store: BillingStore): Promise<CopyCounts> {
  const customers = await allPages((page) => store.customers.list(page));
  const perCustomer = await Promise.all(
    customers.map(async (c) => ({
      paymentMethods: (await store.paymentMethods.listByCustomer(c.stripeCustomerId)).length,
      credits: (await allPages((page) => store.credits.listByUserId(c.userId, page))).length,
    })),
  );
  return {
    customers: customers.length,
    paymentMethods: perCustomer.reduce((sum, c) => sum + c.paymentMethods, 0),
    credits: perCustomer.reduce((sum, c) => sum + c.credits, 0),
    subscriptions: (await allPages((page) => store.subscriptions.list(page))).length,
    invoices: (await allPages((page) => store.invoices.list(page))).length,
    payments: (await allPages((page) => store.payments.list(page))).length,
    refunds: (await allPages((page) => store.refunds.list(page))).length,
    disputes: (await allPages((page) => store.disputes.list(page))).length,
    mrrMovements: (await allPages((page) => store.mrr.list(page))).length,
  };
}
