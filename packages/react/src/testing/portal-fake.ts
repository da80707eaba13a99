// An in-memory stand-in for @billkit/server's portal routes, speaking the same contract: plans in
// AUD with GST included, a subscription in the state a test or story asks for, saved cards,
// invoices with PDFs, the billing address, and retention offers. Its state changes with every
// request, so whole flows (upgrade, cancel, accept an offer, add a card, pay) run end to end.
// `respond(request)` answers a fetch Request; `portalHandlers(fake)` wires it into msw.

import type {
  AccessJson,
  BillingAddressJson,
  ChangePreviewJson,
  IntervalJson,
  InvoiceJson,
  MoneyJson,
  NextChargeJson,
  PaymentMethodJson,
  PlanJson,
  RetentionOfferJson,
  SubscriptionJson,
} from '@billkit/server/contract';
import { routes } from '../client/routes.js';

export type PortalFakeState = 'active' | 'trialing' | 'past_due' | 'cancel_scheduled' | 'canceled' | 'none';

export interface PortalFakeOptions {
  /**
   * The customer's situation.
   * @default 'active'
   */
  state?: PortalFakeState;
  /**
   * The plan they are on (when they have one).
   * @default 'starter'
   */
  plan?: string;
  /** @default 'month' */
  interval?: IntervalJson;
  /**
   * Where the routes are mounted; also the start of each invoice's `pdfUrl`.
   * @default '/api/billing'
   */
  basePath?: string;
  /**
   * The fake's clock: a period runs 15 January to 15 February 2026 and it is 30 January.
   * @default new Date('2026-01-30T00:00:00Z')
   */
  now?: Date;
  /** @default Starter A$10, Pro A$25 (14-day trial), Business A$50 a month; ten times that a year */
  plans?: PlanJson[];
  /** @default one Mastercard ending in 4444 (none for state 'none') */
  paymentMethods?: PaymentMethodJson[];
  /**
   * Invoices in the history before the current one.
   * @default 12 (0 for state 'none')
   */
  invoiceCount?: number;
  /** @default Jo Citizen, 1 George Street, Sydney NSW 2000, no ABN */
  billingAddress?: BillingAddressJson;
  /** @default a discount, a pause and a move to Starter; each only where it fits */
  offers?: RetentionOfferJson[];
  /** Paying an open invoice is declined with this decline code. */
  declinePaymentsWith?: string;
}

/** An error a route answers with until recovered, for loading-error states. */
export interface PortalFakeFailure {
  /** @default 502 */
  status?: number;
  /** @default 'internal_error' */
  code?: string;
  /** @default 'Something went wrong on our side.' */
  message?: string;
  /** The field the error names. */
  param?: string;
  /** Answer with a plain-text body, as a proxy in front of the server would. */
  raw?: boolean;
  /** No answer at all: the fetch fails as it does offline. */
  network?: boolean;
  /**
   * How many requests fail before the route recovers by itself.
   * @default Infinity
   */
  times?: number;
}

export interface PortalFakeRequest {
  method: string;
  /** The path below the base path, with its query: `/invoices?limit=10`. */
  path: string;
  body: unknown;
  contentType: string | null;
}

export interface PortalFake {
  readonly basePath: string;
  readonly now: Date;
  plans: PlanJson[];
  subscription: SubscriptionJson | null;
  paymentMethods: PaymentMethodJson[];
  /** Newest first. */
  invoices: InvoiceJson[];
  billingAddress: BillingAddressJson;
  /** The discount an accepted offer put on the next invoices. */
  discount: { percentOff: number; months: number } | null;
  /** Every request answered, in order. */
  readonly requests: PortalFakeRequest[];
  /** The bodies of `POST /subscription/cancel`. */
  readonly cancellations: unknown[];
  /** Offers accepted, with the survey answers sent along. */
  readonly acceptedOffers: Array<{ offerId: string; body: unknown }>;
  /**
   * Makes a route fail: `fail('GET /plans', { status: 502 })`. The route is the contract's
   * template: `POST /payment-methods/:id/default`.
   */
  fail(route: string, failure?: PortalFakeFailure): void;
  /** Undoes `fail` for one route, or for all. */
  recover(route?: string): void;
  /** Holds every answer this long; `'infinite'` never answers (loading states). */
  latency: number | 'infinite';
  /** Answers one request to the portal's routes. */
  respond(request: Request): Promise<Response>;
  /** `respond` as a fetch function, for a provider's `fetch` prop (no msw needed). */
  fetch: typeof fetch;
}

type Json = Record<string, unknown>;
type RouteHandler = (args: { params: string[]; body: Json; url: URL }) => Response;

const DAY = 86_400_000;
const DEFAULT_NOW = new Date('2026-01-30T00:00:00Z');
const PERIOD_START = '2026-01-15T00:00:00.000Z';
const PERIOD_END = '2026-02-15T00:00:00.000Z';
const TEST_CARDS: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '8431' },
  pm_card_au: { brand: 'visa', last4: '0006' },
};

/** Creates the fake in the state asked for. */
export function createPortalFake(options: PortalFakeOptions = {}): PortalFake {
  const state = options.state ?? 'active';
  const now = options.now ?? DEFAULT_NOW;
  const basePath = (options.basePath ?? '/api/billing').replace(/\/+$/, '');
  const plans = options.plans ?? defaultPlans();
  const failures = new Map<string, Required<Omit<PortalFakeFailure, 'param'>> & { param?: string }>();
  const usedOffers = new Set<string>();
  let setupIntents = 0;
  let invoiceSequence = 0;

  const fake: PortalFake = {
    basePath,
    now,
    plans,
    subscription: null,
    paymentMethods: options.paymentMethods ?? (state === 'none' ? [] : [savedMastercard()]),
    invoices: [],
    billingAddress: options.billingAddress ?? defaultAddress(),
    discount: null,
    requests: [],
    cancellations: [],
    acceptedOffers: [],
    latency: 0,
    fail(route, failure = {}) {
      failures.set(route, {
        status: failure.status ?? 502,
        code: failure.code ?? 'internal_error',
        message: failure.message ?? 'Something went wrong on our side.',
        raw: failure.raw ?? false,
        network: failure.network ?? false,
        times: failure.times ?? Number.POSITIVE_INFINITY,
        ...(failure.param ? { param: failure.param } : {}),
      });
    },
    recover(route) {
      if (route) failures.delete(route);
      else failures.clear();
    },
    respond,
    fetch: (input, init) => {
      const request =
        input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
      return respond(request);
    },
  };

  // --- the starting state -------------------------------------------------------------------

  function newInvoiceId(): string {
    invoiceSequence += 1;
    return `in_${String(invoiceSequence).padStart(4, '0')}`;
  }

  function invoice(args: {
    total: MoneyJson;
    createdAt: string;
    periodStart: string;
    periodEnd: string;
    status: InvoiceJson['status'];
    description: string;
    proration?: boolean;
  }): InvoiceJson {
    const id = newInvoiceId();
    const paid = args.status === 'paid';
    const tax = gstIn(args.total);
    return {
      id,
      number: `INV-${String(invoiceSequence).padStart(4, '0')}`,
      status: args.status,
      total: args.total,
      tax,
      amountPaid: paid ? args.total : money(0, args.total.currency),
      amountDue: paid ? money(0, args.total.currency) : args.total,
      createdAt: args.createdAt,
      paidAt: paid ? args.createdAt : null,
      periodStart: args.periodStart,
      periodEnd: args.periodEnd,
      pdfUrl: `${basePath}${routes.invoicePdf(id)}`,
      lines: [
        {
          description: args.description,
          amount: args.total,
          tax,
          proration: args.proration ?? false,
          periodStart: args.periodStart,
          periodEnd: args.periodEnd,
        },
      ],
    };
  }

  function seed(): void {
    if (state === 'none') return;
    const plan = findPlan(options.plan ?? 'starter');
    const price = plan && priceOf(plan, options.interval ?? 'month');
    if (!plan || !price)
      throw new Error(`createPortalFake: no ${options.interval ?? 'month'} price for ${options.plan}`);
    const subscription: SubscriptionJson = {
      id: 'sub_fake_1',
      status: 'active',
      planId: plan.id,
      planName: plan.name,
      interval: price.interval,
      amount: price.amount,
      currentPeriodStart: PERIOD_START,
      currentPeriodEnd: PERIOD_END,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      trialEnd: null,
      pausedCollection: null,
      graceUntil: null,
      scheduledDowngrade: null,
      latestInvoiceId: null,
    };
    const history = options.invoiceCount ?? 12;
    // Oldest first, so numbers rise with time; the list is kept newest first.
    for (let back = history; back >= 1; back -= 1) {
      const start = addInterval(new Date(PERIOD_START), price.interval, -back);
      const end = addInterval(new Date(PERIOD_START), price.interval, -back + 1);
      fake.invoices.unshift(
        invoice({
          total: price.amount,
          createdAt: start.toISOString(),
          periodStart: start.toISOString(),
          periodEnd: end.toISOString(),
          status: 'paid',
          description: `1 × ${plan.name} (at ${plain(price.amount)} / ${price.interval})`,
        }),
      );
    }
    if (state === 'trialing') {
      subscription.status = 'trialing';
      subscription.currentPeriodStart = new Date(now.getTime() - 2 * DAY).toISOString();
      subscription.trialEnd = new Date(now.getTime() + 12 * DAY).toISOString();
      subscription.currentPeriodEnd = subscription.trialEnd;
      fake.invoices = [];
    } else {
      const status = state === 'past_due' ? 'open' : 'paid';
      const current = invoice({
        total: price.amount,
        createdAt: PERIOD_START,
        periodStart: PERIOD_START,
        periodEnd: PERIOD_END,
        status,
        description: `1 × ${plan.name} (at ${plain(price.amount)} / ${price.interval})`,
      });
      fake.invoices.unshift(current);
      subscription.latestInvoiceId = current.id;
    }
    if (state === 'past_due') {
      subscription.status = 'past_due';
      subscription.graceUntil = new Date(new Date(PERIOD_START).getTime() + 21 * DAY).toISOString();
    }
    if (state === 'cancel_scheduled') {
      subscription.cancelAtPeriodEnd = true;
      subscription.cancelAt = PERIOD_END;
      subscription.canceledAt = new Date(now.getTime() - DAY).toISOString();
    }
    if (state === 'canceled') {
      subscription.status = 'canceled';
      subscription.canceledAt = PERIOD_START;
      subscription.endedAt = PERIOD_START;
      subscription.currentPeriodStart = addInterval(new Date(PERIOD_START), price.interval, -1).toISOString();
      subscription.currentPeriodEnd = PERIOD_START;
      fake.invoices.shift();
      subscription.latestInvoiceId = fake.invoices[0]?.id ?? null;
    }
    fake.subscription = subscription;
  }
  seed();

  // --- reading the state ----------------------------------------------------------------------

  function findPlan(id: string): PlanJson | undefined {
    return plans.find((plan) => plan.id === id);
  }

  function live(): SubscriptionJson | null {
    const subscription = fake.subscription;
    if (!subscription || ['canceled', 'incomplete_expired'].includes(subscription.status)) return null;
    return subscription;
  }

  function nextCharge(): NextChargeJson | null {
    const subscription = live();
    if (!subscription || subscription.cancelAtPeriodEnd || subscription.pausedCollection) return null;
    if (subscription.status === 'unpaid') return null;
    const percentOff = fake.discount?.percentOff ?? 0;
    const amount = money(
      Math.round((subscription.amount.amount * (100 - percentOff)) / 100),
      subscription.amount.currency,
    );
    return {
      amount,
      tax: gstIn(amount),
      taxLabel: 'GST',
      date:
        subscription.trialEnd && subscription.status === 'trialing'
          ? subscription.trialEnd
          : subscription.currentPeriodEnd,
    };
  }

  function access(): AccessJson {
    const subscription = fake.subscription;
    if (!subscription) return { allowed: false, status: 'none', reason: 'no_subscription', planId: null };
    const planId = subscription.scheduledDowngrade?.fromPlanId ?? subscription.planId;
    const base = { status: subscription.status, planId };
    switch (subscription.status) {
      case 'trialing':
        return {
          ...base,
          allowed: true,
          reason: 'trialing',
          ...(subscription.trialEnd ? { until: subscription.trialEnd } : {}),
        };
      case 'active':
        return {
          ...base,
          allowed: true,
          reason: subscription.cancelAtPeriodEnd ? 'canceling' : 'active',
          until: subscription.cancelAt ?? subscription.currentPeriodEnd,
        };
      case 'past_due': {
        const graceUntil = subscription.graceUntil ?? PERIOD_END;
        const inGrace = now < new Date(graceUntil);
        return { ...base, allowed: inGrace, reason: inGrace ? 'grace_period' : 'grace_expired', graceUntil };
      }
      default:
        return { ...base, allowed: false, reason: subscription.status === 'unpaid' ? 'unpaid' : 'canceled' };
    }
  }

  function offers(): RetentionOfferJson[] {
    const subscription = live();
    if (!subscription || !['active', 'trialing', 'past_due'].includes(subscription.status)) {
      throw httpError(404, 'subscription_not_found', 'You have no subscription to keep.');
    }
    const all = options.offers ?? defaultOffers(plans, subscription.interval);
    return all.filter((offer) => {
      if (usedOffers.has(offer.id)) return false;
      if (offer.kind === 'discount') return fake.discount === null;
      if (offer.kind === 'pause') return subscription.status === 'active' && !subscription.pausedCollection;
      const cheaper = offer.plan && offer.plan.amount.amount < subscription.amount.amount;
      return Boolean(cheaper) && offer.plan?.id !== subscription.planId;
    });
  }

  // --- changing the state ---------------------------------------------------------------------

  function requireLive(): SubscriptionJson {
    const subscription = live();
    if (!subscription) throw httpError(404, 'subscription_not_found', 'You have no subscription.');
    return subscription;
  }

  function target(body: Json): { plan: PlanJson; price: PlanJson['prices'][number] } {
    const plan = typeof body.plan === 'string' ? findPlan(body.plan) : undefined;
    if (!plan) throw httpError(404, 'plan_not_found', `There is no plan ${String(body.plan)}.`, 'plan');
    const interval = (body.interval as IntervalJson | undefined) ?? live()?.interval ?? 'month';
    const price = priceOf(plan, interval);
    if (!price) throw httpError(400, 'invalid_input', `${plan.name} has no ${interval} price.`, 'interval');
    return { plan, price };
  }

  function preview(body: Json): ChangePreviewJson {
    const subscription = requireLive();
    const { plan, price } = target(body);
    const currency = subscription.amount.currency;
    const sameInterval = price.interval === subscription.interval;
    const direction =
      plan.id === subscription.planId && sameInterval
        ? 'same'
        : monthly(price.amount.amount, price.interval) >
            monthly(subscription.amount.amount, subscription.interval)
          ? 'upgrade'
          : 'downgrade';
    const periodStart = new Date(subscription.currentPeriodStart).getTime();
    const periodEnd = new Date(subscription.currentPeriodEnd).getTime();
    const remaining = Math.max(0, Math.min(1, (periodEnd - now.getTime()) / (periodEnd - periodStart)));
    const period = { start: now.toISOString(), end: subscription.currentPeriodEnd };
    const nextLine = (date: string) => ({
      description: `1 × ${plan.name} (at ${plain(price.amount)} / ${price.interval})`,
      amount: price.amount,
      proration: false,
      period: { start: date, end: addInterval(new Date(date), price.interval, 1).toISOString() },
    });
    if (direction !== 'upgrade') {
      return {
        direction,
        prorationDate: now.toISOString(),
        now: { total: money(0, currency), lines: [] },
        next: {
          total: price.amount,
          date: subscription.currentPeriodEnd,
          lines: [nextLine(subscription.currentPeriodEnd)],
        },
      };
    }
    const after = now.toISOString().slice(0, 10);
    const unused = {
      description: `Unused time on ${subscription.planName} after ${after}`,
      amount: money(-Math.round(subscription.amount.amount * remaining), currency),
      proration: true,
      period,
    };
    // A new interval restarts the billing period today; the same one prorates to the period end.
    const newTime = sameInterval
      ? {
          description: `Remaining time on ${plan.name} after ${after}`,
          amount: money(Math.round(price.amount.amount * remaining), currency),
          proration: true,
          period,
        }
      : nextLine(now.toISOString());
    const nextDate = sameInterval
      ? subscription.currentPeriodEnd
      : addInterval(now, price.interval, 1).toISOString();
    return {
      direction,
      prorationDate: now.toISOString(),
      now: { total: money(unused.amount.amount + newTime.amount.amount, currency), lines: [unused, newTime] },
      next: { total: price.amount, date: nextDate, lines: [nextLine(nextDate)] },
    };
  }

  function change(body: Json): SubscriptionJson {
    const subscription = requireLive();
    const { plan, price } = target(body);
    const result = preview(body);
    if (result.direction === 'downgrade') {
      subscription.scheduledDowngrade = {
        fromPlanId: subscription.scheduledDowngrade?.fromPlanId ?? subscription.planId,
        until: subscription.currentPeriodEnd,
      };
    } else {
      subscription.scheduledDowngrade = null;
      if (price.interval !== subscription.interval) {
        subscription.currentPeriodStart = now.toISOString();
        subscription.currentPeriodEnd = result.next.date;
      }
    }
    subscription.planId = plan.id;
    subscription.planName = plan.name;
    subscription.interval = price.interval;
    subscription.amount = price.amount;
    if (result.now.total.amount > 0) {
      const charged = invoice({
        total: result.now.total,
        createdAt: now.toISOString(),
        periodStart: now.toISOString(),
        periodEnd: subscription.currentPeriodEnd,
        status: 'paid',
        description: `Change to ${plan.name}`,
        proration: true,
      });
      fake.invoices.unshift(charged);
      subscription.latestInvoiceId = charged.id;
    }
    return subscription;
  }

  function start(body: Json): SubscriptionJson {
    if (live()) throw httpError(409, 'already_subscribed', 'You already have a subscription.');
    const { plan, price } = target(body);
    const card = typeof body.paymentMethodId === 'string' ? body.paymentMethodId : defaultCard()?.id;
    if (!price.trialDays && !card) {
      throw httpError(402, 'payment_method_required', 'Add a payment method first.');
    }
    const trialEnd = price.trialDays ? new Date(now.getTime() + price.trialDays * DAY).toISOString() : null;
    const periodEnd = trialEnd ?? addInterval(now, price.interval, 1).toISOString();
    const subscription: SubscriptionJson = {
      id: `sub_fake_${fake.invoices.length + 2}`,
      status: trialEnd ? 'trialing' : 'active',
      planId: plan.id,
      planName: plan.name,
      interval: price.interval,
      amount: price.amount,
      currentPeriodStart: now.toISOString(),
      currentPeriodEnd: periodEnd,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      trialEnd,
      pausedCollection: null,
      graceUntil: null,
      scheduledDowngrade: null,
      latestInvoiceId: null,
    };
    if (!trialEnd) {
      const first = invoice({
        total: price.amount,
        createdAt: now.toISOString(),
        periodStart: now.toISOString(),
        periodEnd,
        status: 'paid',
        description: `1 × ${plan.name} (at ${plain(price.amount)} / ${price.interval})`,
      });
      fake.invoices.unshift(first);
      subscription.latestInvoiceId = first.id;
    }
    fake.subscription = subscription;
    fake.discount = null;
    return subscription;
  }

  function cancel(body: Json): SubscriptionJson {
    const subscription = requireLive();
    fake.cancellations.push(body);
    if (body.atPeriodEnd === false) {
      subscription.status = 'canceled';
      subscription.canceledAt = now.toISOString();
      subscription.endedAt = now.toISOString();
      return subscription;
    }
    subscription.cancelAtPeriodEnd = true;
    subscription.cancelAt = subscription.currentPeriodEnd;
    subscription.canceledAt = now.toISOString();
    return subscription;
  }

  function resume(): SubscriptionJson {
    const subscription = requireLive();
    if (!subscription.cancelAtPeriodEnd && !subscription.cancelAt) {
      throw httpError(409, 'invalid_state', 'The subscription is not set to end.');
    }
    subscription.cancelAtPeriodEnd = false;
    subscription.cancelAt = null;
    subscription.canceledAt = null;
    return subscription;
  }

  function acceptOffer(
    offerId: string,
    body: Json,
  ): { offer: RetentionOfferJson; subscription: SubscriptionJson } {
    const offer = offers().find((candidate) => candidate.id === offerId);
    if (!offer) throw httpError(404, 'offer_not_found', `Offer ${offerId} is not available.`);
    const subscription = requireLive();
    usedOffers.add(offer.id);
    fake.acceptedOffers.push({ offerId, body });
    subscription.cancelAtPeriodEnd = false;
    subscription.cancelAt = null;
    subscription.canceledAt = null;
    if (offer.kind === 'discount')
      fake.discount = { percentOff: offer.percentOff ?? 0, months: offer.durationMonths ?? 1 };
    if (offer.kind === 'pause') subscription.pausedCollection = 'void';
    if (offer.kind === 'downgrade' && offer.plan)
      change({ plan: offer.plan.id, interval: subscription.interval });
    return { offer, subscription };
  }

  function defaultCard(): PaymentMethodJson | undefined {
    return fake.paymentMethods.find((method) => method.isDefault);
  }

  function setDefault(id: string): PaymentMethodJson {
    let method = fake.paymentMethods.find((candidate) => candidate.id === id);
    if (!method) {
      // A method a SetupIntent just confirmed: the server attaches it to the customer.
      if (!id.startsWith('pm_')) throw httpError(404, 'payment_method_not_found', `No payment method ${id}.`);
      const card = TEST_CARDS[id] ?? { brand: 'visa', last4: '4242' };
      method = {
        id,
        type: 'card',
        brand: card.brand,
        last4: card.last4,
        expMonth: 12,
        expYear: now.getUTCFullYear() + 3,
        wallet: null,
        isDefault: false,
      };
      fake.paymentMethods.push(method);
    }
    for (const candidate of fake.paymentMethods) candidate.isDefault = candidate.id === id;
    return method;
  }

  function removePaymentMethod(id: string, force: boolean) {
    const method = fake.paymentMethods.find((candidate) => candidate.id === id);
    if (!method) throw httpError(404, 'payment_method_not_found', `No payment method ${id}.`);
    const charging = live() && fake.paymentMethods.length === 1;
    if (charging && !force) {
      throw httpError(409, 'last_payment_method', 'This is the only payment method of a live subscription.');
    }
    fake.paymentMethods = fake.paymentMethods.filter((candidate) => candidate.id !== id);
    if (method.isDefault && fake.paymentMethods[0]) fake.paymentMethods[0].isDefault = true;
    return { removedPaymentMethodId: id, defaultPaymentMethodId: defaultCard()?.id ?? null };
  }

  function findInvoice(id: string): InvoiceJson {
    const found = fake.invoices.find((candidate) => candidate.id === id);
    if (!found) throw httpError(404, 'invoice_not_found', `No invoice ${id}.`);
    return found;
  }

  function invoicesPage(url: URL) {
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const after = url.searchParams.get('after');
    const start = after ? fake.invoices.findIndex((candidate) => candidate.id === after) + 1 : 0;
    const page = fake.invoices.slice(start, start + limit);
    const more = start + limit < fake.invoices.length;
    return { invoices: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
  }

  function pay(id: string): InvoiceJson {
    const found = findInvoice(id);
    if (found.status !== 'open') throw httpError(409, 'invalid_state', `Invoice ${id} is not open.`);
    if (options.declinePaymentsWith) {
      throw httpError(402, 'card_declined', 'Your card was declined.', undefined, {
        declineCode: options.declinePaymentsWith,
      });
    }
    found.status = 'paid';
    found.amountPaid = found.total;
    found.amountDue = money(0, found.total.currency);
    found.paidAt = now.toISOString();
    const subscription = fake.subscription;
    if (
      subscription &&
      subscription.latestInvoiceId === id &&
      ['past_due', 'unpaid'].includes(subscription.status)
    ) {
      subscription.status = 'active';
      subscription.graceUntil = null;
    }
    return found;
  }

  function updateAddress(body: Json): BillingAddressJson {
    const address = (body.address ?? {}) as Json;
    const text = (key: string) => (typeof address[key] === 'string' ? (address[key] as string).trim() : '');
    for (const key of ['line1', 'city', 'postalCode']) {
      if (!text(key)) throw httpError(400, 'invalid_input', `address.${key}: Required`, `address.${key}`);
    }
    if (!/^[A-Za-z]{2}$/.test(text('country'))) {
      throw httpError(400, 'invalid_input', 'address.country: a two-letter country code', 'address.country');
    }
    const abn = typeof body.abn === 'string' ? body.abn.replace(/\s+/g, '') : undefined;
    if (abn && !/^\d{11}$/.test(abn))
      throw httpError(400, 'invalid_input', 'abn: an ABN has 11 digits', 'abn');
    if (abn === '' && fake.billingAddress.abn) {
      throw httpError(409, 'invalid_state', 'A saved ABN cannot be removed here yet.', 'abn');
    }
    fake.billingAddress = {
      name: typeof body.name === 'string' && body.name.trim() ? body.name.trim() : fake.billingAddress.name,
      email: fake.billingAddress.email,
      address: {
        line1: text('line1'),
        line2: text('line2') || null,
        city: text('city'),
        state: text('state') || null,
        postalCode: text('postalCode'),
        country: text('country').toUpperCase(),
      },
      abn: abn || fake.billingAddress.abn,
    };
    return fake.billingAddress;
  }

  // --- the routes -----------------------------------------------------------------------------

  const table: Array<[route: string, pattern: RegExp, handle: RouteHandler]> = [
    ['GET /plans', /^\/plans$/, () => json({ plans })],
    [
      'GET /subscription',
      /^\/subscription$/,
      () => json({ subscription: fake.subscription, nextCharge: nextCharge(), access: access() }),
    ],
    ['POST /subscription', /^\/subscription$/, ({ body }) => json({ subscription: start(body) })],
    [
      'POST /subscription/preview',
      /^\/subscription\/preview$/,
      ({ body }) => json({ preview: preview(body) }),
    ],
    [
      'POST /subscription/change',
      /^\/subscription\/change$/,
      ({ body }) => json({ subscription: change(body) }),
    ],
    [
      'POST /subscription/cancel',
      /^\/subscription\/cancel$/,
      ({ body }) => json({ subscription: cancel(body) }),
    ],
    ['POST /subscription/resume', /^\/subscription\/resume$/, () => json({ subscription: resume() })],
    ['GET /access', /^\/access$/, () => json({ access: access() })],
    ['GET /retention-offers', /^\/retention-offers$/, () => json({ offers: offers() })],
    [
      'POST /retention-offers/:id/accept',
      /^\/retention-offers\/([^/]+)\/accept$/,
      ({ params, body }) => json(acceptOffer(params[0]!, body)),
    ],
    ['GET /payment-methods', /^\/payment-methods$/, () => json({ paymentMethods: fake.paymentMethods })],
    [
      'POST /payment-methods/setup-intent',
      /^\/payment-methods\/setup-intent$/,
      () => {
        setupIntents += 1;
        return json({
          clientSecret: `seti_fake_${setupIntents}_secret_test`,
          setupIntentId: `seti_fake_${setupIntents}`,
        });
      },
    ],
    [
      'POST /payment-methods/:id/default',
      /^\/payment-methods\/([^/]+)\/default$/,
      ({ params }) => json({ paymentMethod: setDefault(params[0]!) }),
    ],
    [
      'DELETE /payment-methods/:id',
      /^\/payment-methods\/([^/]+)$/,
      ({ params, url }) => json(removePaymentMethod(params[0]!, url.searchParams.get('force') === 'true')),
    ],
    ['GET /invoices', /^\/invoices$/, ({ url }) => json(invoicesPage(url))],
    ['GET /invoices/:id/pdf', /^\/invoices\/([^/]+)\/pdf$/, ({ params }) => pdf(findInvoice(params[0]!))],
    [
      'POST /invoices/:id/pay',
      /^\/invoices\/([^/]+)\/pay$/,
      ({ params }) => json({ invoice: pay(params[0]!) }),
    ],
    ['GET /billing-address', /^\/billing-address$/, () => json({ billingAddress: fake.billingAddress })],
    [
      'PUT /billing-address',
      /^\/billing-address$/,
      ({ body }) => json({ billingAddress: updateAddress(body) }),
    ],
  ];

  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const prefix = new URL(basePath, 'http://localhost').pathname.replace(/\/+$/, '');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const body = parseBody(text);
    fake.requests.push({
      method: request.method,
      path: `${path}${url.search}`,
      body,
      contentType: request.headers.get('content-type'),
    });
    await wait(fake.latency);

    const match = table.find(
      ([route, pattern]) => route.startsWith(`${request.method} `) && pattern.test(path),
    );
    if (!match) return errorResponse(404, 'not_found', `No route ${request.method} ${path}.`);
    const [route, pattern, handle] = match;
    const failure = failures.get(route);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) failures.delete(route);
      if (failure.network) return Response.error();
      if (failure.raw)
        return new Response('Bad gateway', {
          status: failure.status,
          headers: { 'content-type': 'text/plain' },
        });
      return errorResponse(
        failure.status,
        failure.code,
        failure.message,
        failure.param ? { param: failure.param } : {},
      );
    }
    if (
      request.method !== 'GET' &&
      request.headers.get('content-type')?.split(';')[0] !== 'application/json'
    ) {
      return errorResponse(
        415,
        'unsupported_media_type',
        'Send state-changing requests with content-type: application/json.',
      );
    }
    try {
      const params = (pattern.exec(path) ?? []).slice(1).map((part) => decodeURIComponent(part));
      return handle({ params, body: isRecord(body) ? body : {}, url });
    } catch (error) {
      if (error instanceof FakeHttpError)
        return errorResponse(error.status, error.code, error.message, error.extra);
      throw error;
    }
  }

  return fake;
}

// --- helpers of the fake's own ------------------------------------------------------------------

class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Json,
  ) {
    super(message);
  }
}

function httpError(
  status: number,
  code: string,
  message: string,
  param?: string,
  extra: Json = {},
): FakeHttpError {
  return new FakeHttpError(status, code, message, { ...(param ? { param } : {}), ...extra });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function errorResponse(status: number, code: string, message: string, extra: Json = {}): Response {
  return json({ error: { code, message, ...extra } }, status);
}

function pdf(invoice: InvoiceJson): Response {
  const bytes = new TextEncoder().encode(
    `%PDF-1.4\n% Billkit portal fake: tax invoice ${invoice.number ?? invoice.id}\n%%EOF\n`,
  );
  return new Response(bytes, {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="invoice-${invoice.number ?? invoice.id}.pdf"`,
      'content-length': String(bytes.byteLength),
    },
  });
}

function parseBody(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wait(latency: number | 'infinite'): Promise<void> {
  if (latency === 'infinite') return new Promise(() => undefined);
  if (latency <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, latency));
}

function money(amount: number, currency = 'aud'): MoneyJson {
  return { amount, currency };
}

/** The GST in a GST-inclusive Australian amount: one eleventh. */
function gstIn(total: MoneyJson): MoneyJson {
  return money(total.currency === 'aud' ? Math.round(total.amount / 11) : 0, total.currency);
}

function plain(amount: MoneyJson): string {
  return `$${(amount.amount / 100).toFixed(2)}`;
}

function monthly(amount: number, interval: IntervalJson): number {
  const perMonth: Record<IntervalJson, number> = { day: 30, week: 52 / 12, month: 1, year: 1 / 12 };
  return amount * perMonth[interval];
}

function addInterval(from: Date, interval: IntervalJson, count: number): Date {
  const date = new Date(from);
  if (interval === 'day') date.setUTCDate(date.getUTCDate() + count);
  if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
  if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + count);
  if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + count);
  return date;
}

function priceOf(plan: PlanJson, interval: IntervalJson): PlanJson['prices'][number] | undefined {
  return plan.prices.find((price) => price.interval === interval);
}

function plan(
  id: string,
  name: string,
  monthlyCents: number,
  features: string[],
  trialDays: number | null,
): PlanJson {
  const price = (interval: IntervalJson, amount: number) => ({
    interval,
    intervalCount: 1,
    amount: money(amount),
    taxBehavior: 'inclusive' as const,
    trialDays,
  });
  return {
    id,
    name,
    description: null,
    features,
    prices: [price('month', monthlyCents), price('year', monthlyCents * 10)],
  };
}

function defaultPlans(): PlanJson[] {
  return [
    {
      ...plan('starter', 'Starter', 1000, ['1 project', 'Email support'], null),
      description: 'For getting started.',
    },
    {
      ...plan('pro', 'Pro', 2500, ['10 projects', 'Priority support'], 14),
      description: 'For growing teams.',
    },
    {
      ...plan('business', 'Business', 5000, ['Unlimited projects', 'Team seats', 'Phone support'], null),
      description: 'For organisations.',
    },
  ];
}

function defaultOffers(plans: PlanJson[], interval: IntervalJson): RetentionOfferJson[] {
  const starter = plans[0];
  const starterPrice = starter ? priceOf(starter, interval) : undefined;
  return [
    {
      id: 'discount-20',
      kind: 'discount',
      title: '20% off for 3 months',
      description: 'Stay and pay 80% of your price for the next 3 months.',
      percentOff: 20,
      durationMonths: 3,
    },
    {
      id: 'pause-2',
      kind: 'pause',
      title: 'Pause for 2 months',
      description: 'Take a break: no charges for 2 months, then your plan carries on.',
      months: 2,
    },
    ...(starter && starterPrice
      ? [
          {
            id: `downgrade-${starter.id}`,
            kind: 'downgrade' as const,
            title: `Switch to ${starter.name}`,
            description: `Keep going on ${starter.name} from your next billing date.`,
            plan: { id: starter.id, name: starter.name, interval, amount: starterPrice.amount },
          },
        ]
      : []),
  ];
}

function savedMastercard(): PaymentMethodJson {
  return {
    id: 'pm_saved_mastercard',
    type: 'card',
    brand: 'mastercard',
    last4: '4444',
    expMonth: 8,
    expYear: 2027,
    wallet: null,
    isDefault: true,
  };
}

function defaultAddress(): BillingAddressJson {
  return {
    name: 'Jo Citizen',
    email: 'jo@example.com.au',
    address: {
      line1: '1 George Street',
      line2: null,
      city: 'Sydney',
      state: 'NSW',
      postalCode: '2000',
      country: 'AU',
    },
    abn: null,
  };
}
