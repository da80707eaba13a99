import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/billing-error.js';
import { anMrrMovement } from '../testing/analytics-conformance.js';
import {
  aCustomer,
  anAuditEntry,
  anInvoice,
  aPayment,
  aPaymentMethod,
  aRefund,
} from '../testing/builders.js';
import { runStoreConformance } from '../testing/store-conformance.js';
import type { StoreSession } from './billing-store.js';
import { memoryStore } from './memory-store.js';

runStoreConformance('memory', () => memoryStore());

describe('memoryStore', () => {
  it('names itself memory and offers transactions but no advisory locks', () => {
    const store = memoryStore();
    expect(store.name).toBe('memory');
    expect(store.capabilities).toEqual({ supportsTransactions: true, supportsAdvisoryLocks: false });
  });

  it('keeps two stores apart: rows written to one are not in the other', async () => {
    const one = memoryStore();
    const other = memoryStore();
    const customer = aCustomer();

    await one.customers.insert(customer);

    expect(await one.customers.findByUserId(customer.userId)).toEqual(customer);
    expect(await other.customers.findByUserId(customer.userId)).toBeNull();
  });

  it('runs transactions one at a time, so 20 concurrent read-modify-write transactions lose no update', async () => {
    const store = memoryStore();
    const customer = aCustomer({ balance: 0 });
    await store.customers.insert(customer);

    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transaction(async (tx) => {
          const current = await tx.customers.findByUserId(customer.userId);
          await tx.customers.upsert({ ...current!, balance: current!.balance - 100 });
        }),
      ),
    );

    expect((await store.customers.findByUserId(customer.userId))?.balance).toBe(-2000);
  });

  it('refuses writes through a session once its transaction has ended', async () => {
    const store = memoryStore();
    let leaked: StoreSession | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });

    await expect(leaked!.customers.insert(aCustomer())).rejects.toThrow('transaction has ended');
    expect((await store.customers.list()).items).toEqual([]);
  });

  it('still runs later writes after a transaction failed', async () => {
    const store = memoryStore();
    await expect(
      store.transaction(async () => {
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    const customer = aCustomer();

    await store.customers.insert(customer);

    expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
  });

  it('answers analytics from committed rows only, not from a transaction still running', async () => {
    const store = memoryStore();
    const now = [new Date('2026-01-01T00:00:00.000Z')];
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appended: () => void = () => {};
    const wasAppended = new Promise<void>((resolve) => {
      appended = resolve;
    });

    const transaction = store.transaction(async (tx) => {
      await tx.mrr.append(anMrrMovement({ delta: 1000 }));
      appended();
      await released;
    });
    await wasAppended;
    const during = await store.analytics.mrrAt({ currency: 'aud', at: now });
    release();
    await transaction;

    expect(during).toEqual([{ mrr: 0, customers: 0 }]);
    expect(await store.analytics.mrrAt({ currency: 'aud', at: now })).toEqual([{ mrr: 1000, customers: 1 }]);
  });

  it('refuses a cursor of the MRR ledger or the customer search on another list', async () => {
    const store = memoryStore();
    for (let index = 0; index < 2; index++) {
      await store.mrr.append(anMrrMovement());
      await store.customers.insert(aCustomer());
    }
    const ledgerCursor = (await store.mrr.list({ limit: 1 })).nextCursor;
    const searchCursor = (await store.customers.search({ limit: 1 })).nextCursor;
    const customersCursor = (await store.customers.list({ limit: 1 })).nextCursor;

    await expect(store.customers.search({ after: ledgerCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.customers.search({ after: customersCursor })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.customers.list({ after: searchCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.mrr.list({ after: searchCursor })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses a page cursor it did not issue, or one from another list, as invalid input', async () => {
    const store = memoryStore();
    for (let index = 0; index < 3; index++) await store.audit.append(anAuditEntry());
    const auditCursor = (await store.audit.list({ limit: 1 })).nextCursor;

    await expect(store.customers.list({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.customers.list({ after: auditCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.audit.list({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("refuses a cursor of one money list on another, or of a user's list on the list of all", async () => {
    const store = memoryStore();
    const userId = 'user_cursor';
    for (let index = 0; index < 2; index++) {
      await store.invoices.upsert(anInvoice({ userId }));
      await store.payments.upsert(aPayment({ userId }));
      await store.refunds.upsert(aRefund({ userId }));
      await store.paymentMethods.upsert(aPaymentMethod({ userId }));
    }
    const invoicesCursor = (await store.invoices.list({ limit: 1 })).nextCursor;
    const refundsCursor = (await store.refunds.list({ limit: 1 })).nextCursor;
    const expiringCursor = (
      await store.paymentMethods.listExpiring({ through: { year: 2100, month: 12 }, limit: 1 })
    ).nextCursor;
    const userInvoicesCursor = (await store.invoices.listByUserId(userId, { limit: 1 })).nextCursor;
    const userPaymentsCursor = (await store.payments.listByUserId(userId, { limit: 1 })).nextCursor;

    await expect(store.payments.list({ after: invoicesCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.disputes.list({ after: invoicesCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.refunds.list({ after: invoicesCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.payments.list({ after: refundsCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.customers.list({ after: expiringCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.webhookEvents.listFailed({ after: invoicesCursor })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.invoices.list({ after: userInvoicesCursor })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.invoices.listByUserId(userId, { after: userPaymentsCursor })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('refuses a page limit below 1 or not a whole number as invalid input', async () => {
    const store = memoryStore();
    await expect(store.customers.list({ limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.subscriptions.list({ limit: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.audit.list({ limit: -1 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.invoices.listByUserId('user_any', { limit: 0 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.webhookEvents.listFailed({ limit: 2.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.refunds.list({ limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      store.paymentMethods.listExpiring({ through: { year: 2025, month: 1 }, limit: 0 }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('pages customers whose Stripe ids are not ASCII', async () => {
    const store = memoryStore();
    await store.customers.insert(aCustomer({ stripeCustomerId: 'cus_zoë_1' }));
    await store.customers.insert(aCustomer({ stripeCustomerId: 'cus_zoë_2' }));

    const first = await store.customers.list({ limit: 1 });
    const second = await store.customers.list({ limit: 1, after: first.nextCursor });

    expect([...first.items, ...second.items].map((customer) => customer.stripeCustomerId)).toEqual([
      'cus_zoë_1',
      'cus_zoë_2',
    ]);
    expect(second.nextCursor).toBeNull();
  });
});
