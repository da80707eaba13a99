// Finding customers and reading everything about one: the search (text, status, pages), the
// detail page's data with its times as ISO strings, an unknown customer, and the audit log.

import { describe, expect, it } from 'vitest';
import type {
  AdminAuditResponse,
  AdminCustomerDetailResponse,
  AdminCustomersResponse,
} from '../src/contract/index.js';
import { type AdminWorld, adminGet, expectJson, givenAdminServer } from './support/admin-world.js';
import { deliverWebhooksToServer, expectError, givenSubscriber, send } from './support/world.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** user_1 on Pro, user_2 trialing Starter, user_3 a billing customer who never subscribed. */
async function givenCustomers(): Promise<AdminWorld> {
  const world = await givenAdminServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world, 'user_1');
  await world.sim.clock.advance({ minutes: 1 });
  const trial = await world.handler(send('POST', '/subscription', { plan: 'starter' }, { user: 'user_2' }));
  expect(trial.status).toBe(201);
  await world.sim.clock.advance({ minutes: 1 });
  const setup = await world.handler(
    send('POST', '/payment-methods/setup-intent', undefined, { user: 'user_3' }),
  );
  expect(setup.status).toBe(200);
  await world.sim.webhooks.flush();
  return world;
}

async function search(world: AdminWorld, query = ''): Promise<AdminCustomersResponse> {
  return expectJson<AdminCustomersResponse>(world, adminGet(`/customers${query}`));
}

describe('GET /admin/customers', () => {
  it('lists every customer, newest first, with the status of their subscription', async () => {
    const world = await givenCustomers();

    const page = await search(world);

    expect(page.items.map((c) => [c.userId, c.subscriptionStatus])).toEqual([
      ['user_3', null],
      ['user_2', 'trialing'],
      ['user_1', 'active'],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[2]).toMatchObject({
      email: 'user_1@example.com.au',
      stripeCustomerId: expect.stringMatching(/^cus_/),
      createdAt: '2026-01-15T00:00:00.000Z',
    });
  });

  it('finds by part of an email, by status, and "none" for those who never subscribed', async () => {
    const world = await givenCustomers();

    expect((await search(world, '?query=USER_2%40example')).items.map((c) => c.userId)).toEqual(['user_2']);
    expect((await search(world, '?status=active')).items.map((c) => c.userId)).toEqual(['user_1']);
    expect((await search(world, '?status=none')).items.map((c) => c.userId)).toEqual(['user_3']);
    expect((await search(world, '?query=nobody-like-this')).items).toEqual([]);
  });

  it('pages with limit and cursor', async () => {
    const world = await givenCustomers();

    const first = await search(world, '?limit=2');
    const second = await search(world, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);

    expect(first.items.map((c) => c.userId)).toEqual(['user_3', 'user_2']);
    expect(second.items.map((c) => c.userId)).toEqual(['user_1']);
    expect(second.nextCursor).toBeNull();
  });
});

describe('GET /admin/customers/:customerId', () => {
  it("answers the customer's subscription, cards, invoices, payments, audit trail and totals", async () => {
    const world = await givenCustomers();

    const detail = await expectJson<AdminCustomerDetailResponse>(world, adminGet('/customers/user_1'));

    expect(detail.customer).toMatchObject({ userId: 'user_1', email: 'user_1@example.com.au' });
    expect(detail.customer.createdAt).toMatch(ISO);
    expect(detail.subscriptionStatus).toBe('active');
    expect(detail.subscriptions.map((s) => [s.planId, s.status, s.amount])).toEqual([
      ['pro', 'active', 1000],
    ]);
    expect(detail.subscriptions[0]!.currentPeriodEnd).toBe('2026-02-15T00:00:00.000Z');
    expect(detail.paymentMethods.map((pm) => [pm.brand, pm.isDefault])).toEqual([['visa', true]]);
    expect(detail.invoices.map((i) => [i.status, i.total, i.tax])).toEqual([['paid', 1000, 91]]);
    expect(detail.payments.map((p) => [p.status, p.amount])).toEqual([['succeeded', 1000]]);
    expect(detail.audit.map((entry) => entry.action)).toContain('subscription.started');
    expect(detail.totals).toMatchObject({ currency: 'aud', revenue: 909, refunds: 0 });
    expect(detail.stripeDashboardUrl).toBe(
      `https://dashboard.stripe.com/customers/${detail.customer.stripeCustomerId}`,
    );
  });

  it('finds the customer by Stripe customer id too', async () => {
    const world = await givenCustomers();
    const byUser = await expectJson<AdminCustomerDetailResponse>(world, adminGet('/customers/user_2'));

    const byStripe = await expectJson<AdminCustomerDetailResponse>(
      world,
      adminGet(`/customers/${byUser.customer.stripeCustomerId}`),
    );

    expect(byStripe.customer.userId).toBe('user_2');
    expect(byStripe.subscriptionStatus).toBe('trialing');
  });

  it('accepts a user id with characters a path segment must escape', async () => {
    const world = await givenAdminServer();
    const userId = 'auth0|team/jo smith';
    await world.billing.customers.ensure({ userId, email: 'jo@example.com.au' });

    const detail = await expectJson<AdminCustomerDetailResponse>(
      world,
      adminGet(`/customers/${encodeURIComponent(userId)}`),
    );

    expect(detail.customer.userId).toBe(userId);
    expect(detail.subscriptionStatus).toBeNull();
  });

  it('answers 404 customer_not_found for someone with no billing customer', async () => {
    const world = await givenCustomers();

    const { error } = await expectError(world, adminGet('/customers/user_404'), {
      status: 404,
      code: 'customer_not_found',
    });

    expect(error.message).toContain('user_404');
  });
});

describe('GET /admin/audit', () => {
  it("answers one customer's trail, or one subject's, a page at a time", async () => {
    const world = await givenCustomers();
    const detail = await expectJson<AdminCustomerDetailResponse>(world, adminGet('/customers/user_1'));
    const subscriptionId = detail.subscriptions[0]!.stripeSubscriptionId;

    const mine = await expectJson<AdminAuditResponse>(world, adminGet('/audit?customerId=user_1&limit=100'));
    const ofSubscription = await expectJson<AdminAuditResponse>(
      world,
      adminGet(`/audit?subjectId=${subscriptionId}`),
    );
    const firstOfAll = await expectJson<AdminAuditResponse>(world, adminGet('/audit?limit=1'));

    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((entry) => entry.userId === 'user_1')).toBe(true);
    expect(mine.items[0]!.at).toMatch(ISO);
    expect(ofSubscription.items.map((entry) => entry.subjectId)).toEqual(
      ofSubscription.items.map(() => subscriptionId),
    );
    expect(ofSubscription.items.map((entry) => entry.action)).toContain('subscription.started');
    expect(firstOfAll.items).toHaveLength(1);
    expect(firstOfAll.nextCursor).toEqual(expect.any(String));
  });

  it('answers 404 customer_not_found for an unknown customer', async () => {
    const world = await givenCustomers();

    await expectError(world, adminGet('/audit?customerId=user_404'), {
      status: 404,
      code: 'customer_not_found',
    });
  });
});
