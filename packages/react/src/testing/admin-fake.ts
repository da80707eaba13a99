// An in-memory stand-in for @billkit/server's admin routes (`<basePath>/admin/...`), speaking the same
// JSON: a seeded business of about forty customers over fourteen months (new, upgraded, downgraded,
// trialing, past due, unpaid, ending, churned, reactivated, never subscribed), with their invoices,
// payments, refunds, disputes, credits, emails, audit trail and MRR ledger, and the figures and
// reports computed from them. Actions change the state, so a refund shows in the customer's timeline
// and in the next metrics. `respond(request)` answers a fetch Request; `adminHandlers(fake)` wires it
// into msw. It also answers the portal's `GET /plans`, which the admin dashboard reads for plan names.

import type { PlanJson } from '@billkit/server/contract';
import type {
  AuditEntryJson,
  CreditRecordJson,
  CustomerDetailJson,
  CustomerJson,
  CustomerSearchResultJson,
  DisputeRecordJson,
  ForecastJson,
  GstPeriodJson,
  GstReportJson,
  InvoiceRecordJson,
  MetricsJson,
  MrrMonthJson,
  MrrMovementJson,
  MrrMovementKind,
  OutboxMessageJson,
  PaymentMethodRecordJson,
  PaymentRecordJson,
  ProfitabilityJson,
  RecognitionMonthJson,
  RecognitionReportJson,
  RefundRecordJson,
  SubscriptionRecordJson,
  SubscriptionStatus,
} from '../admin/wire.js';

export interface AdminFakeOptions {
  /**
   * Where the server is mounted; the admin routes are under `<basePath>/admin`.
   * @default '/api/billing'
   */
  basePath?: string;
  /**
   * The fake's clock: the seeded history runs from the first day of the month 13 months before.
   * @default new Date('2026-01-30T00:00:00Z')
   */
  now?: Date;
  /**
   * `'seeded'`: a business with history; `'empty'`: a new install with no customers.
   * @default 'seeded'
   */
  dataset?: 'seeded' | 'empty';
  /**
   * Customers in the seeded dataset (one never subscribed, the rest in every state).
   * @default 40
   */
  customers?: number;
  /**
   * The start of Stripe dashboard links; null answers `stripeDashboardUrl: null`.
   * @default 'https://dashboard.stripe.com/test'
   */
  stripeDashboardUrl?: string | null;
  /** Retrying a payment is declined with this decline code. */
  declineRetriesWith?: string;
}

/** An error a route answers with until recovered, for loading-error states. */
export interface AdminFakeFailure {
  /** @default 502 */
  status?: number;
  /** @default 'internal_error' */
  code?: string;
  /** @default 'Something went wrong on our side.' */
  message?: string;
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

export interface AdminFakeRequest {
  method: string;
  /** The path below the base path, with its query: `/admin/customers?limit=20`. */
  path: string;
  body: unknown;
  contentType: string | null;
}

export interface AdminFake {
  readonly basePath: string;
  readonly now: Date;
  plans: PlanJson[];
  customers: CustomerJson[];
  subscriptions: SubscriptionRecordJson[];
  paymentMethods: PaymentMethodRecordJson[];
  invoices: InvoiceRecordJson[];
  payments: PaymentRecordJson[];
  refunds: RefundRecordJson[];
  disputes: DisputeRecordJson[];
  credits: CreditRecordJson[];
  emails: OutboxMessageJson[];
  audit: AuditEntryJson[];
  mrrLedger: MrrMovementJson[];
  /** Every request answered, in order. */
  readonly requests: AdminFakeRequest[];
  /**
   * Makes a route fail: `fail('GET /metrics', { status: 502 })`. The route is the template below
   * `/admin`: `POST /subscriptions/:customerId/cancel`; and `GET /plans` for the portal's plans.
   */
  fail(route: string, failure?: AdminFakeFailure): void;
  /** Undoes `fail` for one route, or for all. */
  recover(route?: string): void;
  /** Holds every answer this long; `'infinite'` never answers (loading states). */
  latency: number | 'infinite';
  /** Retrying a payment is declined with this code (undefined: retries succeed). */
  declineRetriesWith: string | undefined;
  /** A customer's user id by the name the seed gave them, for tests: `fake.userIdOf('Ava Nguyen')`. */
  userIdOf(name: string): string;
  /** The customer with the longest history whose subscription is in this state (`'none'`: never subscribed). */
  customerIn(state: SubscriptionStatus | 'none' | 'cancel_scheduled'): CustomerJson;
  respond(request: Request): Promise<Response>;
  /** `respond` as a fetch function, for a provider's `fetch` prop (no msw needed). */
  fetch: typeof fetch;
}

type Json = Record<string, unknown>;
type RouteHandler = (args: { params: string[]; body: Json; url: URL }) => Response;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DEFAULT_NOW = new Date('2026-01-30T00:00:00Z');
const ACTOR = 'admin:ops@example.com.au';
const REFUND_REASONS = new Set(['requested_by_customer', 'duplicate', 'fraudulent']);
/** The grace policy the fake's customers are on: access for 7 days after a failed renewal. */
const GRACE_DAYS = 7;

/** Creates the fake with its seeded (or empty) dataset. */
export function createAdminFake(options: AdminFakeOptions = {}): AdminFake {
  const now = options.now ?? DEFAULT_NOW;
  const basePath = (options.basePath ?? '/api/billing').replace(/\/+$/, '');
  const dashboard =
    options.stripeDashboardUrl === undefined
      ? 'https://dashboard.stripe.com/test'
      : options.stripeDashboardUrl;
  const failures = new Map<string, Required<Omit<AdminFakeFailure, 'param'>> & { param?: string }>();
  const sequences = new Map<string, number>();
  const nextId = (prefix: string) => {
    const next = (sequences.get(prefix) ?? 0) + 1;
    sequences.set(prefix, next);
    return `${prefix}_fake${String(next).padStart(5, '0')}`;
  };
  const namesById = new Map<string, string>();

  const fake: AdminFake = {
    basePath,
    now,
    plans: catalogPlans(),
    customers: [],
    subscriptions: [],
    paymentMethods: [],
    invoices: [],
    payments: [],
    refunds: [],
    disputes: [],
    credits: [],
    emails: [],
    audit: [],
    mrrLedger: [],
    requests: [],
    latency: 0,
    declineRetriesWith: options.declineRetriesWith,
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
    userIdOf(name) {
      for (const [id, known] of namesById) if (known === name) return id;
      throw new Error(`The admin fake has no customer named ${name}.`);
    },
    customerIn(state) {
      const matching = fake.customers.filter((customer) => {
        const subscription = currentSubscriptionOf(customer.userId);
        if (state === 'none') return subscription === null;
        if (state === 'cancel_scheduled')
          return subscription?.cancelAtPeriodEnd === true && subscription.status !== 'canceled';
        return subscription?.status === state && !subscription.cancelAtPeriodEnd;
      });
      // The one with the longest history: the most to show and to act on.
      const historyOf = (userId: string) =>
        fake.invoices.filter((invoice) => invoice.userId === userId).length;
      const found = matching.reduce<CustomerJson | undefined>(
        (best, customer) => (!best || historyOf(customer.userId) > historyOf(best.userId) ? customer : best),
        undefined,
      );
      if (!found) throw new Error(`The admin fake has no customer in state ${state}.`);
      return found;
    },
    respond,
    fetch: (input, init) => {
      const request =
        input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
      return respond(request);
    },
  };

  // --- records -------------------------------------------------------------------------------

  const iso = (time: number) => new Date(time).toISOString();
  const planById = (id: string | null) => fake.plans.find((plan) => plan.id === id);

  function priceOf(planId: string, interval: 'month' | 'year'): number {
    const price = planById(planId)?.prices.find((p) => p.interval === interval);
    if (!price)
      throw httpError(404, 'plan_not_found', `No plan ${planId} billed by the ${interval}.`, 'plan');
    return price.amount.amount;
  }

  function isTaxed(userId: string): boolean {
    return customerById(userId)?.address?.country === 'AU';
  }

  /** A subscription's MRR: GST excluded, yearly prices divided by 12. */
  function mrrOf(userId: string, amount: number, interval: string): number {
    const net = isTaxed(userId) ? amount - Math.round(amount / 11) : amount;
    return interval === 'year' ? Math.round(net / 12) : net;
  }

  function customerById(id: string): CustomerJson | undefined {
    return fake.customers.find((c) => c.userId === id || c.stripeCustomerId === id);
  }

  function currentSubscriptionOf(userId: string): SubscriptionRecordJson | null {
    const own = fake.subscriptions
      .filter((s) => s.userId === userId)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return own.find((s) => s.status !== 'canceled' && s.status !== 'incomplete_expired') ?? own[0] ?? null;
  }

  function addAudit(
    at: number,
    actor: string,
    action: string,
    subjectType: AuditEntryJson['subjectType'],
    subjectId: string,
    userId: string,
    data: Json = {},
  ) {
    fake.audit.push({ id: nextId('aud'), at: iso(at), actor, action, subjectType, subjectId, userId, data });
  }

  function addEmail(
    at: number,
    userId: string,
    kind: string,
    data: Json = {},
    status: OutboxMessageJson['status'] = 'sent',
  ) {
    const customer = customerById(userId);
    const id = nextId('msg');
    fake.emails.push({
      id,
      key: `${kind}:${id}`,
      kind,
      userId,
      email: customer?.email ?? null,
      data,
      status,
      attempts: status === 'pending' ? 0 : 1,
      lastError: status === 'failed' ? 'SMTP 550: mailbox unavailable' : null,
      createdAt: iso(at),
      availableAt: iso(at),
      sentAt: status === 'sent' ? iso(at + 60_000) : null,
      leaseUntil: null,
    });
  }

  /** Appends a ledger entry for a subscription's new MRR, with the customer-level kind. */
  function recordMrr(at: number, subscription: SubscriptionRecordJson, mrr: number) {
    const userId = subscription.userId;
    const own = fake.mrrLedger.filter((e) => e.userId === userId);
    const previousSub = [...own]
      .reverse()
      .find((e) => e.stripeSubscriptionId === subscription.stripeSubscriptionId);
    const before = previousSub?.mrr ?? 0;
    const delta = mrr - before;
    if (delta === 0) return;
    const customerBefore = own.reduce((sum, e) => sum + e.delta, 0);
    const customerAfter = customerBefore + delta;
    const everPaying = own.some((e) => e.customerMrr > 0);
    const kind: MrrMovementKind =
      customerAfter === 0
        ? 'churn'
        : customerBefore === 0
          ? everPaying
            ? 'reactivation'
            : 'new'
          : delta > 0
            ? 'expansion'
            : 'contraction';
    fake.mrrLedger.push({
      id: nextId('mrr'),
      at: iso(at),
      stripeSubscriptionId: subscription.stripeSubscriptionId,
      userId,
      currency: subscription.currency,
      mrr,
      delta,
      kind,
      customerMrr: customerAfter,
      planId: subscription.planId,
    });
  }

  function currentMrrOf(subscription: SubscriptionRecordJson): number {
    const entries = fake.mrrLedger.filter(
      (e) => e.stripeSubscriptionId === subscription.stripeSubscriptionId,
    );
    return entries[entries.length - 1]?.mrr ?? 0;
  }

  function invoiceNumber(userId: string): string {
    const customer = customerById(userId);
    const prefix = (customer?.stripeCustomerId.slice(-4) ?? '0000').toUpperCase();
    const count = fake.invoices.filter((i) => i.userId === userId).length + 1;
    return `BK${prefix}-${String(count).padStart(4, '0')}`;
  }

  function createInvoiceRecord(args: {
    userId: string;
    subscription: SubscriptionRecordJson | null;
    at: number;
    periodEnd: number;
    lines: Array<{ description: string; amount: number; priceId: string | null }>;
    billingReason: string;
  }): InvoiceRecordJson {
    const customer = customerById(args.userId)!;
    const taxed = isTaxed(args.userId);
    const total = args.lines.reduce((sum, line) => sum + line.amount, 0);
    const tax = taxed ? Math.round(total / 11) : 0;
    const id = nextId('in');
    const invoice: InvoiceRecordJson = {
      stripeInvoiceId: id,
      stripeCustomerId: customer.stripeCustomerId,
      userId: args.userId,
      stripeSubscriptionId: args.subscription?.stripeSubscriptionId ?? null,
      number: invoiceNumber(args.userId),
      status: 'open',
      billingReason: args.billingReason,
      currency: 'aud',
      subtotal: total - tax,
      tax,
      total,
      amountDue: total,
      amountPaid: 0,
      amountRemaining: total,
      attemptCount: 0,
      nextPaymentAttempt: null,
      hostedInvoiceUrl: `https://invoice.stripe.com/i/${id}`,
      invoicePdf: `https://pay.stripe.com/invoice/${id}/pdf`,
      periodStart: iso(args.at),
      periodEnd: iso(args.periodEnd),
      lines: args.lines.map((line) => ({
        stripeLineId: nextId('il'),
        description: line.description,
        amount: line.amount,
        quantity: 1,
        proration: false,
        tax: taxed ? Math.round(line.amount / 11) : 0,
        stripePriceId: line.priceId,
        periodStart: iso(args.at),
        periodEnd: iso(args.periodEnd),
      })),
      createdAt: iso(args.at),
      finalizedAt: iso(args.at),
      paidAt: null,
      voidedAt: null,
      watermark: Math.floor(args.at / 1000),
    };
    fake.invoices.push(invoice);
    return invoice;
  }

  function charge(invoice: InvoiceRecordJson, at: number, declineCode: string | null): PaymentRecordJson {
    const method = fake.paymentMethods.find((m) => m.userId === invoice.userId && m.isDefault);
    const amount = invoice.amountRemaining;
    const succeeded = declineCode === null;
    const fee = succeeded ? Math.round(amount * 0.0175) + 30 : null;
    const payment: PaymentRecordJson = {
      stripeChargeId: nextId('ch'),
      stripePaymentIntentId: nextId('pi'),
      stripeCustomerId: invoice.stripeCustomerId,
      userId: invoice.userId,
      stripeInvoiceId: invoice.stripeInvoiceId,
      status: succeeded ? 'succeeded' : 'failed',
      amount,
      currency: invoice.currency,
      fee,
      net: fee === null ? null : amount - fee,
      amountRefunded: 0,
      refunded: false,
      disputed: false,
      failureCode: succeeded ? null : 'card_declined',
      failureMessage: succeeded ? null : declineMessage(declineCode),
      brand: method?.brand ?? 'visa',
      last4: method?.last4 ?? '4242',
      createdAt: iso(at),
      watermark: Math.floor(at / 1000),
    };
    fake.payments.push(payment);
    invoice.attemptCount += 1;
    if (succeeded) {
      invoice.status = 'paid';
      invoice.amountPaid = invoice.total;
      invoice.amountRemaining = 0;
      invoice.paidAt = iso(at);
      invoice.nextPaymentAttempt = null;
      addEmail(at, invoice.userId!, 'receipt', { invoiceId: invoice.stripeInvoiceId });
    } else {
      invoice.nextPaymentAttempt = iso(at + 3 * DAY);
      addEmail(at, invoice.userId!, 'payment_failed', { invoiceId: invoice.stripeInvoiceId });
    }
    return payment;
  }

  function newSubscription(
    userId: string,
    planId: string,
    interval: 'month' | 'year',
    at: number,
    trialDays: number,
  ) {
    const customer = customerById(userId)!;
    const amount = priceOf(planId, interval);
    const trialEnd = trialDays > 0 ? at + trialDays * DAY : null;
    const subscription: SubscriptionRecordJson = {
      stripeSubscriptionId: nextId('sub'),
      stripeCustomerId: customer.stripeCustomerId,
      userId,
      status: trialEnd ? 'trialing' : 'active',
      planId,
      stripePriceId: `price_${planId}_${interval}ly`,
      interval,
      quantity: 1,
      amount,
      currency: 'aud',
      currentPeriodStart: iso(at),
      currentPeriodEnd: iso(trialEnd ?? addInterval(at, interval)),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      trialStart: trialEnd ? iso(at) : null,
      trialEnd: trialEnd ? iso(trialEnd) : null,
      pausedCollection: null,
      pastDueSince: null,
      graceExtendedUntil: null,
      latestInvoiceId: null,
      scheduledDowngrade: null,
      cancellationReason: null,
      cancellationFeedback: null,
      createdAt: iso(at),
      updatedAt: iso(at),
      watermark: Math.floor(at / 1000),
      version: 1,
    };
    fake.subscriptions.push(subscription);
    return subscription;
  }

  /** Bills one period of a subscription at `at`: an invoice, its charge(s), the period moved on. */
  function billPeriod(
    subscription: SubscriptionRecordJson,
    at: number,
    outcome: 'paid' | 'recovered' | 'failing',
  ) {
    const end = addInterval(at, subscription.interval as 'month' | 'year');
    const plan = planById(subscription.planId);
    const invoice = createInvoiceRecord({
      userId: subscription.userId,
      subscription,
      at,
      periodEnd: end,
      lines: [
        {
          description: `${plan?.name ?? subscription.planId} (${iso(at).slice(0, 10)} – ${iso(end).slice(0, 10)})`,
          amount: subscription.amount,
          priceId: subscription.stripePriceId,
        },
      ],
      billingReason: fake.invoices.some((i) => i.stripeSubscriptionId === subscription.stripeSubscriptionId)
        ? 'subscription_cycle'
        : 'subscription_create',
    });
    subscription.latestInvoiceId = invoice.stripeInvoiceId;
    subscription.currentPeriodStart = iso(at);
    subscription.currentPeriodEnd = iso(end);
    if (outcome === 'paid') charge(invoice, at, null);
    if (outcome === 'recovered') {
      charge(invoice, at, 'insufficient_funds');
      charge(invoice, at + 2 * DAY + 5 * HOUR, null);
    }
    if (outcome === 'failing') {
      charge(invoice, at, 'insufficient_funds');
      if (at + 3 * DAY <= now.getTime()) charge(invoice, at + 3 * DAY, 'insufficient_funds');
    }
    return invoice;
  }

  function refundInvoice(
    invoice: InvoiceRecordJson,
    amount: number,
    at: number,
    reason: string,
    note: string | null,
    actor: string,
  ) {
    const payment = fake.payments.find(
      (p) => p.stripeInvoiceId === invoice.stripeInvoiceId && p.status === 'succeeded',
    );
    if (!payment) throw httpError(409, 'invalid_state', 'This invoice has no successful payment to refund.');
    const refundable = payment.amount - payment.amountRefunded;
    if (!Number.isInteger(amount) || amount <= 0)
      throw httpError(400, 'invalid_input', 'amount: a positive whole number of minor units', 'amount');
    if (amount > refundable)
      throw httpError(
        400,
        'refund_exceeds_refundable',
        `Only ${refundable} is left to refund on this payment.`,
        'amount',
      );
    const refund: RefundRecordJson = {
      stripeRefundId: nextId('re'),
      stripeChargeId: payment.stripeChargeId,
      stripeInvoiceId: invoice.stripeInvoiceId,
      stripeCustomerId: invoice.stripeCustomerId,
      userId: invoice.userId,
      amount,
      currency: invoice.currency,
      tax: invoice.total > 0 ? Math.round((invoice.tax * amount) / invoice.total) : 0,
      status: 'succeeded',
      reason,
      actor,
      note,
      createdAt: iso(at),
      watermark: Math.floor(at / 1000),
    };
    fake.refunds.push(refund);
    payment.amountRefunded += amount;
    payment.refunded = payment.amountRefunded >= payment.amount;
    addAudit(at, actor, 'refund.created', 'refund', refund.stripeRefundId, invoice.userId!, {
      amount,
      reason,
    });
    return refund;
  }

  function grantCredit(userId: string, amount: number, description: string, at: number, actor: string) {
    const customer = customerById(userId)!;
    customer.balance -= amount;
    const credit: CreditRecordJson = {
      stripeBalanceTransactionId: nextId('cbtxn'),
      stripeCustomerId: customer.stripeCustomerId,
      userId: customer.userId,
      amount: -amount,
      currency: 'aud',
      type: 'adjustment',
      description,
      stripeInvoiceId: null,
      endingBalance: customer.balance,
      createdAt: iso(at),
      watermark: Math.floor(at / 1000),
    };
    fake.credits.push(credit);
    addAudit(at, actor, 'credit.granted', 'credit', credit.stripeBalanceTransactionId, customer.userId, {
      amount,
    });
    return credit;
  }

  // --- the seeded business ----------------------------------------------------------------------

  if ((options.dataset ?? 'seeded') === 'seeded') seed(options.customers ?? 40);

  function seed(count: number) {
    const random = mulberry32(20260130);
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 13, 1);
    const span = now.getTime() - start;
    const scenarios = scenarioList(count, random);

    scenarios.forEach((scenario, index) => {
      const name = CUSTOMER_NAMES[index % CUSTOMER_NAMES.length]!;
      const userId = `user_${String(index + 1).padStart(3, '0')}`;
      namesById.set(userId, name);
      const export_ = index % 17 === 5;
      const planId =
        scenario === 'trialing'
          ? 'pro'
          : pick(random, ['starter', 'starter', 'starter', 'pro', 'pro', 'business']);
      const interval: 'month' | 'year' = scenario === 'active' && random() < 0.15 ? 'year' : 'month';

      // When they signed up: a trial in the last days, a failing renewal in the last weeks, else
      // anywhere in the history, more of them recently (the business grows).
      let signup: number;
      if (scenario === 'trialing') signup = now.getTime() - (1 + (index % 10)) * DAY - 9 * HOUR;
      else if (scenario === 'past_due' || scenario === 'unpaid') {
        const daysAgo = scenario === 'past_due' ? 2 + (index % 5) : 18 + (index % 6);
        signup = addMonths(now.getTime() - daysAgo * DAY, -(2 + Math.floor(random() * 8))) - 10 * HOUR;
      } else if (scenario === 'new_this_month')
        signup = now.getTime() - (3 + Math.floor(random() * 20)) * DAY;
      else signup = start + Math.floor(random() ** 0.7 * (span - 75 * DAY)) + 3 * HOUR;

      const customer: CustomerJson = {
        userId,
        stripeCustomerId: `cus_${hash(userId)}`,
        email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${export_ ? 'example.co.nz' : 'example.com.au'}`,
        name,
        address: export_
          ? {
              line1: '12 Queen Street',
              line2: null,
              city: 'Auckland',
              state: null,
              postalCode: '1010',
              country: 'NZ',
            }
          : {
              line1: `${10 + index} ${pick(random, ['George', 'Collins', 'Queen', 'Hay', 'Rundle', 'Murray'])} Street`,
              line2: null,
              city: pick(random, ['Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide', 'Hobart']),
              state: pick(random, ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS']),
              postalCode: String(2000 + index * 37),
              country: 'AU',
            },
        taxId: index % 9 === 2 ? { type: 'au_abn', value: '51824753556' } : null,
        currency: scenario === 'none' ? null : 'aud',
        balance: 0,
        defaultPaymentMethodId: null,
        deleted: false,
        createdAt: iso(signup),
        updatedAt: iso(signup),
        watermark: Math.floor(signup / 1000),
        version: 1,
      };
      fake.customers.push(customer);
      addAudit(signup, 'system', 'customer.created', 'customer', customer.stripeCustomerId, userId);
      if (scenario === 'none') return;

      const method: PaymentMethodRecordJson = {
        stripePaymentMethodId: nextId('pm'),
        stripeCustomerId: customer.stripeCustomerId,
        userId,
        type: 'card',
        brand: pick(random, ['visa', 'visa', 'mastercard', 'amex']),
        last4: String(1000 + Math.floor(random() * 9000)),
        expMonth: 1 + Math.floor(random() * 12),
        expYear: 2026 + Math.floor(random() * 4),
        wallet: index % 7 === 3 ? 'apple_pay' : null,
        isDefault: true,
        createdAt: iso(signup),
        watermark: Math.floor(signup / 1000),
      };
      fake.paymentMethods.push(method);
      customer.defaultPaymentMethodId = method.stripePaymentMethodId;

      // Pro starts with its 14-day trial; a failing renewal is set up on a paid plan from day one.
      const trialDays = planId === 'pro' && scenario !== 'past_due' && scenario !== 'unpaid' ? 14 : 0;
      let subscription = newSubscription(userId, planId, interval, signup, trialDays);
      addAudit(
        signup,
        `user:${userId}`,
        trialDays ? 'subscription.trial_started' : 'subscription.started',
        'subscription',
        subscription.stripeSubscriptionId,
        userId,
        { plan: planId },
      );
      if (scenario === 'trialing') {
        addEmail(signup, userId, 'trial_started');
        return;
      }

      // The life of the subscription, one period at a time.
      let at = trialDays ? signup + trialDays * DAY : signup;
      const periods = countPeriods(at, now.getTime(), interval);
      const churnAfter =
        scenario === 'canceled' || scenario === 'reactivated'
          ? Math.max(1, Math.floor(periods * (0.3 + random() * 0.4)))
          : null;
      const changeAfter =
        scenario === 'upgraded' || scenario === 'downgraded' ? Math.max(1, Math.floor(periods * 0.5)) : null;
      const recoveredAt = scenario === 'active' && index % 5 === 1 && periods > 2 ? 1 : null;
      let period = 0;
      let reactivated = false;
      if (at > now.getTime()) return;
      subscription.status = 'active';
      recordMrr(at, subscription, mrrOf(userId, subscription.amount, interval));

      while (at <= now.getTime()) {
        if (changeAfter !== null && period === changeAfter) {
          const next = scenario === 'downgraded' ? 'starter' : planId === 'starter' ? 'pro' : 'business';
          if (next !== subscription.planId) {
            subscription.planId = next;
            subscription.amount = priceOf(next, interval);
            subscription.stripePriceId = `price_${next}_${interval}ly`;
            recordMrr(at, subscription, mrrOf(userId, subscription.amount, interval));
            addAudit(
              at - 2 * DAY,
              `user:${userId}`,
              'subscription.plan_changed',
              'subscription',
              subscription.stripeSubscriptionId,
              userId,
              { plan: next },
            );
          }
        }
        if (churnAfter !== null && period === churnAfter && !reactivated) {
          subscription.status = 'canceled';
          subscription.canceledAt = iso(at - 6 * DAY);
          subscription.cancellationReason = pick(random, [
            'too_expensive',
            'unused',
            'switched_service',
            'missing_features',
          ]);
          subscription.endedAt = iso(at);
          subscription.updatedAt = iso(at);
          recordMrr(at, subscription, 0);
          addAudit(
            at - 6 * DAY,
            `user:${userId}`,
            'subscription.canceled',
            'subscription',
            subscription.stripeSubscriptionId,
            userId,
          );
          addEmail(at, userId, 'subscription_ended');
          if (scenario !== 'reactivated') break;
          // Back two months later, on the same plan.
          at = addMonths(at, 2) + 4 * DAY;
          if (at > now.getTime()) break;
          reactivated = true;
          subscription = newSubscription(userId, subscription.planId ?? 'starter', interval, at, 0);
          recordMrr(at, subscription, mrrOf(userId, subscription.amount, interval));
          addAudit(
            at,
            `user:${userId}`,
            'subscription.started',
            'subscription',
            subscription.stripeSubscriptionId,
            userId,
            { plan: subscription.planId },
          );
        }
        const isLast = addInterval(at, interval) > now.getTime();
        const failing = isLast && (scenario === 'past_due' || scenario === 'unpaid');
        const invoice = billPeriod(
          subscription,
          at,
          failing ? 'failing' : period === recoveredAt ? 'recovered' : 'paid',
        );
        if (failing) {
          subscription.status = scenario === 'unpaid' ? 'unpaid' : 'past_due';
          subscription.pastDueSince = invoice.createdAt;
        }
        at = addInterval(at, interval);
        period += 1;
      }

      if (scenario === 'cancel_scheduled') {
        subscription.cancelAtPeriodEnd = true;
        subscription.cancelAt = subscription.currentPeriodEnd;
        subscription.canceledAt = iso(now.getTime() - (2 + (index % 5)) * DAY);
        subscription.cancellationReason = 'too_expensive';
        addAudit(
          Date.parse(subscription.canceledAt),
          `user:${userId}`,
          'subscription.cancel_scheduled',
          'subscription',
          subscription.stripeSubscriptionId,
          userId,
        );
      }
    });

    seedRefundsDisputesAndCredits();
  }

  function seedRefundsDisputesAndCredits() {
    const paidOf = (userId: string) =>
      fake.invoices
        .filter((i) => i.userId === userId && i.status === 'paid')
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const payers = fake.customers.filter((c) => paidOf(c.userId).length >= 2);

    // Refunds: a duplicate charge, a customer charged after they meant to leave, a partial goodwill one.
    payers.slice(2, 6).forEach((customer, index) => {
      const invoices = paidOf(customer.userId);
      const invoice = invoices[invoices.length - 1 - (index % 2)]!;
      const paidAt = Date.parse(invoice.paidAt!);
      const amount = index === 2 ? Math.round(invoice.total / 2) : invoice.total;
      const reason = index === 1 ? 'duplicate' : 'requested_by_customer';
      const note =
        [
          'Charged after they asked to cancel',
          'Charged twice on renewal',
          'Half back for the outage',
          'Forgot to cancel the trial',
        ][index] ?? null;
      refundInvoice(invoice, amount, Math.min(paidAt + 2 * DAY, now.getTime() - HOUR), reason, note, ACTOR);
    });

    // Disputes in every state: two waiting for evidence (one due soon), one under review, one won, one lost.
    const states: Array<{ status: string; dueIn: number | null; closed: boolean; reason: string }> = [
      { status: 'needs_response', dueIn: 6, closed: false, reason: 'fraudulent' },
      { status: 'warning_needs_response', dueIn: 2, closed: false, reason: 'product_not_received' },
      { status: 'under_review', dueIn: 9, closed: false, reason: 'subscription_canceled' },
      { status: 'won', dueIn: null, closed: true, reason: 'fraudulent' },
      { status: 'lost', dueIn: null, closed: true, reason: 'credit_not_processed' },
    ];
    payers.slice(8, 8 + states.length).forEach((customer, index) => {
      const state = states[index]!;
      const invoices = paidOf(customer.userId);
      const invoice = state.closed ? invoices[0]! : invoices[invoices.length - 1]!;
      const payment = fake.payments.find(
        (p) => p.stripeInvoiceId === invoice.stripeInvoiceId && p.status === 'succeeded',
      )!;
      const opened = state.closed
        ? Date.parse(payment.createdAt) + 10 * DAY
        : Math.max(Date.parse(payment.createdAt) + DAY, now.getTime() - 12 * DAY);
      payment.disputed = true;
      const dispute: DisputeRecordJson = {
        stripeDisputeId: nextId('dp'),
        stripeChargeId: payment.stripeChargeId,
        userId: customer.userId,
        amount: payment.amount,
        currency: payment.currency,
        status: state.status,
        reason: state.reason,
        evidenceDueBy: state.dueIn === null ? iso(opened + 21 * DAY) : iso(now.getTime() + state.dueIn * DAY),
        evidenceSubmissionCount: state.status === 'under_review' || state.closed ? 1 : 0,
        closedAt: state.closed ? iso(opened + 40 * DAY) : null,
        createdAt: iso(opened),
        watermark: Math.floor(opened / 1000),
      };
      fake.disputes.push(dispute);
      addAudit(opened, 'stripe', 'dispute.created', 'dispute', dispute.stripeDisputeId, customer.userId, {
        reason: state.reason,
      });
    });

    // Credits: goodwill after an outage, and a referral reward.
    payers.slice(12, 15).forEach((customer, index) => {
      const at = now.getTime() - (20 + index * 11) * DAY;
      grantCredit(
        customer.userId,
        index === 1 ? 2500 : 500,
        index === 1 ? 'Referral reward' : 'Goodwill credit for the outage on 3 November',
        at,
        ACTOR,
      );
    });
  }

  // --- reading ----------------------------------------------------------------------------------

  function detailOf(id: string): CustomerDetailJson {
    const customer = customerById(id);
    if (!customer) throw httpError(404, 'customer_not_found', `No customer ${id}.`);
    const userId = customer.userId;
    const mine = <T extends { userId: string | null }>(rows: T[]) =>
      rows.filter((row) => row.userId === userId);
    const newestFirst = <T>(rows: T[], at: (row: T) => string) =>
      [...rows].sort((a, b) => Date.parse(at(b)) - Date.parse(at(a)));
    const invoices = mine(fake.invoices);
    const payments = mine(fake.payments);
    const refunds = mine(fake.refunds);
    const current = currentSubscriptionOf(userId);
    return {
      customer: structuredClone(customer),
      subscriptionStatus: current?.status ?? null,
      subscriptions: structuredClone(mine(fake.subscriptions)),
      paymentMethods: structuredClone(mine(fake.paymentMethods)),
      invoices: structuredClone(newestFirst(invoices, (i) => i.createdAt)),
      payments: structuredClone(newestFirst(payments, (p) => p.createdAt)),
      refunds: structuredClone(newestFirst(refunds, (r) => r.createdAt)),
      disputes: structuredClone(mine(fake.disputes)),
      credits: structuredClone(mine(fake.credits)),
      emails: structuredClone(newestFirst(mine(fake.emails), (e) => e.createdAt)),
      audit: structuredClone(newestFirst(mine(fake.audit), (a) => a.at)),
      mrrHistory: structuredClone(mine(fake.mrrLedger)),
      totals: {
        currency: 'aud',
        revenue: invoices
          .filter((i) => i.status === 'paid')
          .reduce((sum, i) => sum + i.amountPaid - gstShare(i), 0),
        refunds: refunds.reduce((sum, r) => sum + r.amount - r.tax, 0),
        fees: payments.reduce((sum, p) => sum + (p.fee ?? 0), 0),
      },
      stripeDashboardUrl: dashboard ? `${dashboard}/customers/${customer.stripeCustomerId}` : null,
    };
  }

  function searchCustomers(url: URL) {
    const text = (url.searchParams.get('query') ?? '').trim().toLowerCase();
    const status = url.searchParams.get('status');
    const results: CustomerSearchResultJson[] = fake.customers
      .map((customer) => ({
        ...structuredClone(customer),
        subscriptionStatus: currentSubscriptionOf(customer.userId)?.status ?? null,
      }))
      .filter((customer) => {
        if (status === 'none' && customer.subscriptionStatus !== null) return false;
        if (status && status !== 'none' && customer.subscriptionStatus !== status) return false;
        if (!text) return true;
        return [customer.name, customer.email, customer.userId, customer.stripeCustomerId].some((field) =>
          field?.toLowerCase().includes(text),
        );
      })
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return page(results, url);
  }

  function listDisputes(url: URL) {
    const status = url.searchParams.get('status');
    const rows = fake.disputes
      .filter((d) => !status || d.status === status)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return page(structuredClone(rows), url);
  }

  function auditLog(url: URL) {
    const customerId = url.searchParams.get('customerId');
    const userId = customerId ? (customerById(customerId)?.userId ?? customerId) : null;
    const rows = fake.audit
      .filter((a) => !userId || a.userId === userId)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return page(structuredClone(rows), url);
  }

  // --- figures ------------------------------------------------------------------------------------

  function mrrAt(at: number): { mrr: number; customers: number } {
    const byUser = new Map<string, number>();
    let mrr = 0;
    for (const entry of fake.mrrLedger) {
      if (Date.parse(entry.at) >= at) continue;
      mrr += entry.delta;
      byUser.set(entry.userId, (byUser.get(entry.userId) ?? 0) + entry.delta);
    }
    return { mrr, customers: [...byUser.values()].filter((value) => value > 0).length };
  }

  function movementsIn(from: number, to: number) {
    const totals: Record<MrrMovementKind, number> = {
      new: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      reactivation: 0,
    };
    let churnedCustomers = 0;
    for (const entry of fake.mrrLedger) {
      const at = Date.parse(entry.at);
      if (at < from || at >= to) continue;
      totals[entry.kind] += entry.delta;
      if (entry.kind === 'churn') churnedCustomers += 1;
    }
    return { totals, churnedCustomers };
  }

  function metrics(url: URL): MetricsJson {
    const { from, to } = rangeOf(url);
    const months = monthsOverlapping(from, to).map(
      ({ month, start, end }): MrrMonthJson & { startMrr: number; startCustomers: number } => {
        const clippedStart = Math.max(start, from);
        const clippedEnd = Math.min(end, to);
        const { totals, churnedCustomers } = movementsIn(clippedStart, clippedEnd);
        const before = mrrAt(clippedStart);
        const after = mrrAt(clippedEnd);
        const netNew =
          totals.new + totals.expansion + totals.contraction + totals.churn + totals.reactivation;
        return {
          month,
          new: totals.new,
          expansion: totals.expansion,
          contraction: totals.contraction,
          churned: totals.churn,
          reactivated: totals.reactivation,
          netNew,
          mrr: after.mrr,
          customers: after.customers,
          churnedCustomers,
          churnRate: before.customers > 0 ? churnedCustomers / before.customers : null,
          startMrr: before.mrr,
          startCustomers: before.customers,
        };
      },
    );
    const end = mrrAt(to);
    const startCustomers = months.reduce((sum, m) => sum + m.startCustomers, 0);
    const churned = months.reduce((sum, m) => sum + m.churnedCustomers, 0);
    const startMrr = months.reduce((sum, m) => sum + m.startMrr, 0);
    const lostMrr = -months.reduce((sum, m) => sum + m.contraction + m.churned, 0);
    const churnRate = startCustomers > 0 ? churned / startCustomers : null;
    const arpu = end.customers > 0 ? Math.round(end.mrr / end.customers) : 0;

    const byStatus: Partial<Record<SubscriptionStatus, number>> = {};
    let total = 0;
    for (const customer of fake.customers) {
      const subscription = currentSubscriptionOf(customer.userId);
      if (!subscription) continue;
      byStatus[subscription.status] = (byStatus[subscription.status] ?? 0) + 1;
      total += 1;
    }

    const trials = fake.subscriptions.filter((s) => s.trialEnd && inRange(s.trialEnd, from, to));
    const converted = trials.filter((s) =>
      fake.mrrLedger.some((e) => e.stripeSubscriptionId === s.stripeSubscriptionId && e.delta > 0),
    ).length;
    const payments = fake.payments.filter((p) => inRange(p.createdAt, from, to));
    const succeeded = payments.filter((p) => p.status === 'succeeded');
    const failed = payments.filter((p) => p.status === 'failed');
    const recoveries = recoveriesIn(from, to);
    const refunds = fake.refunds.filter((r) => inRange(r.createdAt, from, to));
    const disputes = fake.disputes.filter((d) => inRange(d.createdAt, from, to));
    const lost = disputes.filter((d) => d.status === 'lost');
    const revenue = fake.invoices
      .filter((i) => i.status === 'paid' && i.paidAt && inRange(i.paidAt, from, to))
      .reduce((sum, i) => sum + i.amountPaid - gstShare(i), 0);
    const fees = succeeded.reduce((sum, p) => sum + (p.fee ?? 0), 0);
    const refundedNet = refunds.reduce((sum, r) => sum + r.amount - r.tax, 0);
    const net = revenue - refundedNet - fees;

    return {
      currency: 'aud',
      from: iso(from),
      to: iso(to),
      mrr: end.mrr,
      arr: end.mrr * 12,
      payingCustomers: end.customers,
      subscribers: { byStatus, total },
      movements: months.map(({ startMrr: _m, startCustomers: _c, ...month }) => month),
      churnRate,
      revenueChurnRate: startMrr > 0 ? lostMrr / startMrr : null,
      arpu,
      ltv: churnRate ? Math.round(arpu / churnRate) : null,
      trialConversion: {
        ended: trials.length,
        converted,
        rate: trials.length ? converted / trials.length : null,
      },
      paymentSuccessRate: payments.length ? succeeded.length / (succeeded.length + failed.length) : null,
      recoveryRate: recoveries.failed ? recoveries.recovered / recoveries.failed : null,
      averageHoursToRecover: recoveries.recovered ? recoveries.seconds / recoveries.recovered / 3600 : null,
      refunds: {
        count: refunds.length,
        amount: refunds.reduce((sum, r) => sum + r.amount, 0),
        rate: succeeded.length ? refunds.length / succeeded.length : null,
      },
      disputes: {
        count: disputes.length,
        amount: disputes.reduce((sum, d) => sum + d.amount, 0),
        lost: lost.length,
        lostAmount: lost.reduce((sum, d) => sum + d.amount, 0),
        rate: succeeded.length ? disputes.length / succeeded.length : null,
      },
      revenue,
      fees,
      net,
      apiCosts: null,
      profit: net,
    };
  }

  function recoveriesIn(from: number, to: number) {
    let failed = 0;
    let recovered = 0;
    let seconds = 0;
    for (const invoice of fake.invoices) {
      const failures = fake.payments
        .filter((p) => p.stripeInvoiceId === invoice.stripeInvoiceId && p.status === 'failed')
        .map((p) => Date.parse(p.createdAt));
      if (failures.length === 0) continue;
      const first = Math.min(...failures);
      if (first < from || first >= to) continue;
      failed += 1;
      if (invoice.status === 'paid' && invoice.paidAt) {
        recovered += 1;
        seconds += Math.floor((Date.parse(invoice.paidAt) - first) / 1000);
      }
    }
    return { failed, recovered, seconds };
  }

  /** Revenue recognition at an instant, per the analytics port's rule (daily, per invoice). */
  function recognitionAt(at: number) {
    let billed = 0;
    let refunded = 0;
    let recognized = 0;
    let deferred = 0;
    for (const invoice of fake.invoices) {
      if (
        invoice.status !== 'paid' ||
        !invoice.paidAt ||
        Date.parse(invoice.paidAt) >= at ||
        invoice.amountPaid <= 0
      )
        continue;
      const net = invoice.amountPaid - gstShare(invoice);
      const back = fake.refunds
        .filter((r) => r.stripeInvoiceId === invoice.stripeInvoiceId && Date.parse(r.createdAt) < at)
        .reduce((sum, r) => sum + r.amount - r.tax, 0);
      const base = Math.max(0, net - back);
      const start = Date.parse(invoice.periodStart);
      const days = Math.floor((Date.parse(invoice.periodEnd) - start) / DAY);
      const elapsed = Math.min(days, Math.max(0, Math.floor((at - start) / DAY)));
      const earned = days === 0 ? base : Math.floor((base * elapsed) / days);
      billed += net;
      refunded += back;
      recognized += earned;
      deferred += base - earned;
    }
    return { billed, refunded, recognized, deferred };
  }

  function recognition(url: URL): RecognitionReportJson {
    const { from, to } = rangeOf(url);
    const months = monthsOverlapping(from, to).map(({ month, start, end }): RecognitionMonthJson => {
      const before = recognitionAt(Math.max(start, from));
      const after = recognitionAt(Math.min(end, to));
      return {
        month,
        billed: after.billed - before.billed,
        refunded: after.refunded - before.refunded,
        recognized: after.recognized - before.recognized,
        deferredBalance: after.deferred,
        toDate: { billed: after.billed, refunded: after.refunded, recognized: after.recognized },
      };
    });
    return { currency: 'aud', from: iso(from), to: iso(to), months };
  }

  function gst(url: URL): Response {
    const { from, to } = rangeOf(url);
    const periodKind = url.searchParams.get('period') === 'month' ? 'month' : 'quarter';
    const periods = periodsOverlapping(from, to, periodKind).map(({ period, start, end }): GstPeriodJson => {
      const pf = Math.max(start, from);
      const pt = Math.min(end, to);
      const paid = fake.invoices.filter(
        (i) => i.status === 'paid' && i.paidAt && inRange(i.paidAt, pf, pt) && i.amountPaid > 0,
      );
      const refunds = fake.refunds.filter((r) => inRange(r.createdAt, pf, pt));
      const g1 = paid.reduce((sum, i) => sum + i.amountPaid, 0);
      const a1 = paid.reduce((sum, i) => sum + gstShare(i), 0);
      const refundAmount = refunds.reduce((sum, r) => sum + r.amount, 0);
      const refundGst = refunds.reduce((sum, r) => sum + r.tax, 0);
      return {
        period,
        from: iso(pf),
        to: iso(pt),
        g1TotalSales: g1,
        g2Exports: paid.filter((i) => i.tax === 0).reduce((sum, i) => sum + i.amountPaid, 0),
        gstOnSales1A: a1,
        refunds: { amount: refundAmount, gst: refundGst },
        netSales: g1 - refundAmount,
        netGst: a1 - refundGst,
      };
    });
    const sum = (pick: (p: GstPeriodJson) => number) => periods.reduce((total, p) => total + pick(p), 0);
    const report: GstReportJson = {
      currency: 'aud',
      basis: 'cash',
      period: periodKind,
      periods,
      totals: {
        g1TotalSales: sum((p) => p.g1TotalSales),
        g2Exports: sum((p) => p.g2Exports),
        gstOnSales1A: sum((p) => p.gstOnSales1A),
        refunds: { amount: sum((p) => p.refunds.amount), gst: sum((p) => p.refunds.gst) },
        netSales: sum((p) => p.netSales),
        netGst: sum((p) => p.netGst),
      },
    };
    if (url.searchParams.get('format') !== 'csv') return json(report);
    const rows = [
      [
        'period',
        'from',
        'to',
        'G1 total sales',
        'G2 exports',
        '1A GST on sales',
        'refunds',
        'GST in refunds',
        'net sales',
        'net GST',
      ],
      ...periods.map((p) => [
        p.period,
        p.from.slice(0, 10),
        p.to.slice(0, 10),
        ...[
          p.g1TotalSales,
          p.g2Exports,
          p.gstOnSales1A,
          p.refunds.amount,
          p.refunds.gst,
          p.netSales,
          p.netGst,
        ].map(decimal),
      ]),
    ];
    return csv(rows, `gst-${periodKind}-${iso(from).slice(0, 10)}-${iso(to).slice(0, 10)}.csv`);
  }

  function journal(url: URL): Response {
    const { from, to } = rangeOf(url);
    const rows: string[][] = [['date', 'account', 'debit', 'credit', 'memo']];
    const events: Array<{ at: number; lines: string[][] }> = [];
    for (const invoice of fake.invoices) {
      if (invoice.status !== 'paid' || !invoice.paidAt || !inRange(invoice.paidAt, from, to)) continue;
      const tax = gstShare(invoice);
      const day = invoice.paidAt.slice(0, 10);
      const memo = `Invoice ${invoice.number}`;
      events.push({
        at: Date.parse(invoice.paidAt),
        lines: [
          [day, 'Stripe clearing', decimal(invoice.amountPaid), '', memo],
          [day, 'Subscription revenue', '', decimal(invoice.amountPaid - tax), memo],
          ...(tax ? [[day, 'GST payable', '', decimal(tax), memo]] : []),
        ],
      });
    }
    for (const refund of fake.refunds) {
      if (!inRange(refund.createdAt, from, to)) continue;
      const day = refund.createdAt.slice(0, 10);
      const memo = `Refund ${refund.stripeRefundId}`;
      events.push({
        at: Date.parse(refund.createdAt),
        lines: [
          [day, 'Subscription revenue', decimal(refund.amount - refund.tax), '', memo],
          ...(refund.tax ? [[day, 'GST payable', decimal(refund.tax), '', memo]] : []),
          [day, 'Stripe clearing', '', decimal(refund.amount), memo],
        ],
      });
    }
    for (const payment of fake.payments) {
      if (payment.status !== 'succeeded' || !payment.fee || !inRange(payment.createdAt, from, to)) continue;
      const day = payment.createdAt.slice(0, 10);
      events.push({
        at: Date.parse(payment.createdAt),
        lines: [
          [day, 'Stripe fees', decimal(payment.fee), '', `Fee on ${payment.stripeChargeId}`],
          [day, 'Stripe clearing', '', decimal(payment.fee), `Fee on ${payment.stripeChargeId}`],
        ],
      });
    }
    for (const event of events.sort((a, b) => a.at - b.at)) rows.push(...event.lines);
    return csv(rows, `journal-${iso(from).slice(0, 10)}-${iso(to).slice(0, 10)}.csv`);
  }

  function forecast(url: URL): ForecastJson {
    const months = Math.min(36, Math.max(1, Number(url.searchParams.get('months') ?? 12) || 12));
    const thisMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const threeBack = addMonths(thisMonth, -3);
    const window = metrics(new URL(`http://fake/?from=${iso(threeBack)}&to=${iso(thisMonth)}`));
    const churn = window.churnRate ?? 0;
    const newPerMonth =
      fake.mrrLedger.filter((e) => e.kind === 'new' && inRange(e.at, threeBack, thisMonth)).length / 3;
    const current = mrrAt(now.getTime());
    const arpu = current.customers ? current.mrr / current.customers : 0;
    let mrr = current.mrr;
    let subscribers = current.customers;
    const rows = [];
    for (let index = 1; index <= months; index += 1) {
      subscribers = subscribers * (1 - churn) + newPerMonth;
      mrr = mrr * (1 - churn) + newPerMonth * arpu;
      rows.push({
        month: iso(addMonths(thisMonth, index)).slice(0, 7),
        mrr: Math.round(mrr),
        cash: Math.round(mrr),
        subscribers: Math.round(subscribers),
        targetSubscribers: null,
      });
    }
    return {
      currency: 'aud',
      asOf: iso(now.getTime()),
      assumptions: {
        monthlyChurnRate: churn,
        trialConversionRate: window.trialConversion.rate ?? 0,
        newCustomersPerMonth: newPerMonth,
      },
      goal: null,
      months: rows,
    };
  }

  function profitability(url: URL): ProfitabilityJson {
    const { from, to } = rangeOf(url);
    const customers = fake.customers
      .map((customer) => {
        const revenue = fake.invoices
          .filter(
            (i) =>
              i.userId === customer.userId && i.status === 'paid' && i.paidAt && inRange(i.paidAt, from, to),
          )
          .reduce((sum, i) => sum + i.amountPaid - gstShare(i), 0);
        const refunds = fake.refunds
          .filter((r) => r.userId === customer.userId && inRange(r.createdAt, from, to))
          .reduce((sum, r) => sum + r.amount - r.tax, 0);
        const fees = fake.payments
          .filter((p) => p.userId === customer.userId && inRange(p.createdAt, from, to))
          .reduce((sum, p) => sum + (p.fee ?? 0), 0);
        return {
          userId: customer.userId,
          email: customer.email,
          revenue,
          refunds,
          fees,
          apiCosts: 0,
          profit: revenue - refunds - fees,
        };
      })
      .filter((row) => row.revenue || row.refunds || row.fees)
      .sort((a, b) => b.profit - a.profit || a.userId.localeCompare(b.userId));
    const sum = (key: 'revenue' | 'refunds' | 'fees') =>
      customers.reduce((total, row) => total + row[key], 0);
    return {
      currency: 'aud',
      from: iso(from),
      to: iso(to),
      revenue: sum('revenue'),
      refunds: sum('refunds'),
      fees: sum('fees'),
      apiCosts: null,
      profit: sum('revenue') - sum('refunds') - sum('fees'),
      customers: customers.slice(0, 100),
    };
  }

  // --- actions ----------------------------------------------------------------------------------

  function requireCustomer(id: string): CustomerJson {
    const customer = customerById(id);
    if (!customer) throw httpError(404, 'customer_not_found', `No customer ${id}.`, 'customerId');
    return customer;
  }

  function requireRunning(id: string): SubscriptionRecordJson {
    const customer = requireCustomer(id);
    const subscription = currentSubscriptionOf(customer.userId);
    if (!subscription) throw httpError(404, 'subscription_not_found', 'This customer has no subscription.');
    return subscription;
  }

  function touch(subscription: SubscriptionRecordJson) {
    subscription.updatedAt = iso(now.getTime());
    subscription.version += 1;
  }

  function refund(body: Json) {
    if (!body.invoiceId === !body.chargeId)
      throw httpError(400, 'invalid_input', 'give exactly one of invoiceId or chargeId', 'invoiceId');
    const invoiceId =
      typeof body.invoiceId === 'string'
        ? body.invoiceId
        : fake.payments.find((p) => p.stripeChargeId === body.chargeId)?.stripeInvoiceId;
    const invoice = fake.invoices.find((i) => i.stripeInvoiceId === invoiceId);
    if (!invoice) throw httpError(404, 'invoice_not_found', 'No such invoice.', 'invoiceId');
    if (typeof body.reason !== 'string' || !body.reason.trim())
      throw httpError(400, 'invalid_input', 'reason: required', 'reason');
    const payment = fake.payments.find(
      (p) => p.stripeInvoiceId === invoice.stripeInvoiceId && p.status === 'succeeded',
    );
    const amount =
      body.amount === undefined
        ? payment
          ? payment.amount - payment.amountRefunded
          : 0
        : Number(body.amount);
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : null;
    // Stripe knows three reasons; other words are kept with the note.
    const reason = body.reason.trim();
    const known = REFUND_REASONS.has(reason);
    const words = known ? note : [reason, note].filter(Boolean).join(': ');
    return refundInvoice(
      invoice,
      amount,
      now.getTime(),
      known ? reason : 'requested_by_customer',
      words || null,
      ACTOR,
    );
  }

  function credit(body: Json) {
    const customer = requireCustomer(String(body.customerId ?? ''));
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      throw httpError(400, 'invalid_input', 'amount: a positive whole number of minor units', 'amount');
    if (typeof body.description !== 'string' || !body.description.trim())
      throw httpError(400, 'invalid_input', 'description: required', 'description');
    return grantCredit(customer.userId, amount, body.description.trim(), now.getTime(), ACTOR);
  }

  function oneOffInvoice(body: Json) {
    const customer = requireCustomer(String(body.customerId ?? ''));
    const items = Array.isArray(body.items) ? body.items : [];
    if (items.length === 0) throw httpError(400, 'invalid_input', 'items: at least one', 'items');
    const lines = items.map((item, index) => {
      const record = isRecord(item) ? item : {};
      const amount = Number(record.amount);
      if (typeof record.description !== 'string' || !record.description.trim())
        throw httpError(
          400,
          'invalid_input',
          `items.${index}.description: required`,
          `items.${index}.description`,
        );
      if (!Number.isInteger(amount) || amount <= 0)
        throw httpError(
          400,
          'invalid_input',
          `items.${index}.amount: a positive whole number`,
          `items.${index}.amount`,
        );
      return { description: record.description.trim(), amount, priceId: null };
    });
    const collection = body.collection === 'send' ? 'send' : body.collection === 'charge' ? 'charge' : null;
    if (!collection) throw httpError(400, 'invalid_input', 'collection: charge or send', 'collection');
    if (collection === 'charge' && !fake.paymentMethods.some((m) => m.userId === customer.userId))
      throw httpError(402, 'payment_method_required', 'The customer has no payment method.');
    const at = now.getTime();
    const days = Number(body.daysUntilDue ?? 14);
    const invoice = createInvoiceRecord({
      userId: customer.userId,
      subscription: null,
      at,
      periodEnd: at,
      lines,
      billingReason: 'manual',
    });
    if (collection === 'charge') charge(invoice, at, null);
    else {
      invoice.nextPaymentAttempt = null;
      addEmail(at, customer.userId, 'invoice_sent', { invoiceId: invoice.stripeInvoiceId, dueInDays: days });
    }
    addAudit(at, ACTOR, 'invoice.created', 'invoice', invoice.stripeInvoiceId, customer.userId, {
      collection,
    });
    return invoice;
  }

  function resendReceipt(invoiceId: string): Response {
    const invoice = fake.invoices.find((i) => i.stripeInvoiceId === invoiceId);
    if (!invoice) throw httpError(404, 'invoice_not_found', 'No such invoice.');
    if (invoice.status !== 'paid')
      throw httpError(409, 'invalid_state', 'Only a paid invoice has a receipt.');
    addEmail(now.getTime(), invoice.userId!, 'receipt', { invoiceId, resent: true });
    addAudit(now.getTime(), ACTOR, 'invoice.receipt_resent', 'invoice', invoiceId, invoice.userId!);
    return json({ invoiceId, resent: true });
  }

  function retry(invoiceId: string) {
    const invoice = fake.invoices.find((i) => i.stripeInvoiceId === invoiceId);
    if (!invoice) throw httpError(404, 'invoice_not_found', 'No such invoice.');
    if (invoice.status !== 'open')
      throw httpError(409, 'invalid_state', 'Only an open invoice can be retried.');
    const at = now.getTime();
    const payment = charge(invoice, at, fake.declineRetriesWith ?? null);
    addAudit(at, ACTOR, 'payment.retried', 'invoice', invoiceId, invoice.userId!, { status: payment.status });
    if (payment.status === 'failed') {
      throw httpError(402, 'card_declined', 'The card was declined.', undefined, {
        declineCode: fake.declineRetriesWith,
      });
    }
    const subscription = fake.subscriptions.find(
      (s) => s.stripeSubscriptionId === invoice.stripeSubscriptionId,
    );
    if (subscription && (subscription.status === 'past_due' || subscription.status === 'unpaid')) {
      subscription.status = 'active';
      subscription.pastDueSince = null;
      subscription.graceExtendedUntil = null;
      touch(subscription);
    }
    return invoice;
  }

  function cancel(id: string, body: Json) {
    const subscription = requireRunning(id);
    if (subscription.status === 'canceled')
      throw httpError(409, 'invalid_state', 'The subscription has already ended.');
    const when = body.when === 'now' ? 'now' : body.when === 'period_end' ? 'period_end' : null;
    if (!when) throw httpError(400, 'invalid_input', 'when: now or period_end', 'when');
    const at = now.getTime();
    subscription.canceledAt = iso(at);
    subscription.cancellationReason =
      typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : null;
    if (when === 'period_end') {
      subscription.cancelAtPeriodEnd = true;
      subscription.cancelAt = subscription.currentPeriodEnd;
    } else {
      subscription.status = 'canceled';
      subscription.cancelAtPeriodEnd = false;
      subscription.cancelAt = null;
      subscription.endedAt = iso(at);
      recordMrr(at, subscription, 0);
    }
    touch(subscription);
    addAudit(
      at,
      ACTOR,
      when === 'now' ? 'subscription.canceled' : 'subscription.cancel_scheduled',
      'subscription',
      subscription.stripeSubscriptionId,
      subscription.userId,
      { when },
    );
    return subscription;
  }

  function reactivate(id: string) {
    const subscription = requireRunning(id);
    const at = now.getTime();
    if (subscription.cancelAtPeriodEnd && subscription.status !== 'canceled') {
      subscription.cancelAtPeriodEnd = false;
      subscription.cancelAt = null;
      subscription.canceledAt = null;
      subscription.cancellationReason = null;
      touch(subscription);
      addAudit(
        at,
        ACTOR,
        'subscription.reactivated',
        'subscription',
        subscription.stripeSubscriptionId,
        subscription.userId,
      );
      return subscription;
    }
    if (subscription.status !== 'canceled')
      throw httpError(409, 'invalid_state', 'The subscription is not cancelled.');
    const again = newSubscription(
      subscription.userId,
      subscription.planId ?? 'starter',
      subscription.interval === 'year' ? 'year' : 'month',
      at,
      0,
    );
    recordMrr(at, again, mrrOf(again.userId, again.amount, again.interval));
    billPeriod(again, at, 'paid');
    addAudit(at, ACTOR, 'subscription.reactivated', 'subscription', again.stripeSubscriptionId, again.userId);
    return again;
  }

  function changePlan(id: string, body: Json) {
    const subscription = requireRunning(id);
    if (subscription.status === 'canceled')
      throw httpError(409, 'invalid_state', 'The subscription has ended.');
    const planId = typeof body.plan === 'string' ? body.plan : '';
    if (!planById(planId)) throw httpError(404, 'plan_not_found', `No plan ${planId}.`, 'plan');
    const interval =
      body.interval === 'year'
        ? 'year'
        : body.interval === 'month'
          ? 'month'
          : (subscription.interval as 'month' | 'year');
    subscription.planId = planId;
    subscription.interval = interval;
    subscription.amount = priceOf(planId, interval);
    subscription.stripePriceId = `price_${planId}_${interval}ly`;
    touch(subscription);
    if (subscription.status !== 'trialing' && currentMrrOf(subscription) > 0) {
      recordMrr(now.getTime(), subscription, mrrOf(subscription.userId, subscription.amount, interval));
    }
    addAudit(
      now.getTime(),
      ACTOR,
      'subscription.plan_changed',
      'subscription',
      subscription.stripeSubscriptionId,
      subscription.userId,
      { plan: planId, interval },
    );
    return subscription;
  }

  function extendTrial(id: string, body: Json) {
    const subscription = requireRunning(id);
    if (subscription.status !== 'trialing')
      throw httpError(409, 'invalid_state', 'The subscription is not in a trial.');
    const until = typeof body.until === 'string' ? Date.parse(body.until) : Number.NaN;
    if (Number.isNaN(until) || until <= Date.parse(subscription.trialEnd ?? subscription.currentPeriodEnd))
      throw httpError(400, 'invalid_input', 'until: a time after the current trial end', 'until');
    subscription.trialEnd = iso(until);
    subscription.currentPeriodEnd = iso(until);
    touch(subscription);
    addAudit(
      now.getTime(),
      ACTOR,
      'subscription.trial_extended',
      'subscription',
      subscription.stripeSubscriptionId,
      subscription.userId,
      { until: iso(until) },
    );
    return subscription;
  }

  function extendGrace(id: string, body: Json) {
    const subscription = requireRunning(id);
    if (subscription.status !== 'past_due' && subscription.status !== 'unpaid')
      throw httpError(409, 'invalid_state', 'The subscription is not past due.');
    const days = Number(body.days);
    if (!Number.isInteger(days) || days < 1 || days > 90)
      throw httpError(400, 'invalid_input', 'days: 1 to 90', 'days');
    const policyEnd = Date.parse(subscription.pastDueSince ?? iso(now.getTime())) + GRACE_DAYS * DAY;
    const base = Math.max(
      now.getTime(),
      policyEnd,
      subscription.graceExtendedUntil ? Date.parse(subscription.graceExtendedUntil) : 0,
    );
    subscription.graceExtendedUntil = iso(base + days * DAY);
    touch(subscription);
    addAudit(
      now.getTime(),
      ACTOR,
      'subscription.grace_extended',
      'subscription',
      subscription.stripeSubscriptionId,
      subscription.userId,
      { days },
    );
    return subscription;
  }

  function evidenceSubmitted(disputeId: string) {
    const dispute = fake.disputes.find((d) => d.stripeDisputeId === disputeId);
    if (!dispute) throw httpError(404, 'dispute_not_found', 'No such dispute.');
    if (dispute.status !== 'needs_response' && dispute.status !== 'warning_needs_response')
      throw httpError(409, 'invalid_state', 'The bank is not waiting for evidence on this dispute.');
    dispute.status = dispute.status === 'warning_needs_response' ? 'warning_under_review' : 'under_review';
    dispute.evidenceSubmissionCount += 1;
    addAudit(now.getTime(), ACTOR, 'dispute.evidence_submitted', 'dispute', disputeId, dispute.userId ?? '');
    return dispute;
  }

  // --- the routes -------------------------------------------------------------------------------

  const table: Array<[route: string, pattern: RegExp, handle: RouteHandler]> = [
    ['GET /customers', /^\/customers$/, ({ url }) => json(searchCustomers(url))],
    ['GET /customers/:customerId', /^\/customers\/([^/]+)$/, ({ params }) => json(detailOf(params[0]!))],
    ['POST /refunds', /^\/refunds$/, ({ body }) => json(refund(body), 201)],
    ['POST /credits', /^\/credits$/, ({ body }) => json(credit(body), 201)],
    ['POST /invoices', /^\/invoices$/, ({ body }) => json(oneOffInvoice(body), 201)],
    [
      'POST /invoices/:invoiceId/resend-receipt',
      /^\/invoices\/([^/]+)\/resend-receipt$/,
      ({ params }) => resendReceipt(params[0]!),
    ],
    [
      'POST /payments/:invoiceId/retry',
      /^\/payments\/([^/]+)\/retry$/,
      ({ params }) => json(retry(params[0]!)),
    ],
    [
      'POST /subscriptions/:customerId/cancel',
      /^\/subscriptions\/([^/]+)\/cancel$/,
      ({ params, body }) => json(cancel(params[0]!, body)),
    ],
    [
      'POST /subscriptions/:customerId/reactivate',
      /^\/subscriptions\/([^/]+)\/reactivate$/,
      ({ params }) => json(reactivate(params[0]!)),
    ],
    [
      'POST /subscriptions/:customerId/change-plan',
      /^\/subscriptions\/([^/]+)\/change-plan$/,
      ({ params, body }) => json(changePlan(params[0]!, body)),
    ],
    [
      'POST /subscriptions/:customerId/extend-trial',
      /^\/subscriptions\/([^/]+)\/extend-trial$/,
      ({ params, body }) => json(extendTrial(params[0]!, body)),
    ],
    [
      'POST /subscriptions/:customerId/extend-grace',
      /^\/subscriptions\/([^/]+)\/extend-grace$/,
      ({ params, body }) => json(extendGrace(params[0]!, body)),
    ],
    ['GET /disputes', /^\/disputes$/, ({ url }) => json(listDisputes(url))],
    [
      'POST /disputes/:disputeId/evidence-submitted',
      /^\/disputes\/([^/]+)\/evidence-submitted$/,
      ({ params }) => json(evidenceSubmitted(params[0]!)),
    ],
    ['GET /metrics', /^\/metrics$/, ({ url }) => json(metrics(url))],
    ['GET /profitability', /^\/profitability$/, ({ url }) => json(profitability(url))],
    ['GET /revenue/recognition', /^\/revenue\/recognition$/, ({ url }) => json(recognition(url))],
    ['GET /reports/gst', /^\/reports\/gst$/, ({ url }) => gst(url)],
    ['GET /reports/journal.csv', /^\/reports\/journal\.csv$/, ({ url }) => journal(url)],
    ['GET /forecast', /^\/forecast$/, ({ url }) => json(forecast(url))],
    ['GET /audit', /^\/audit$/, ({ url }) => json(auditLog(url))],
  ];
  const plansRoute: [string, RegExp, RouteHandler] = [
    'GET /plans',
    /^\/plans$/,
    () => json({ plans: fake.plans }),
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

    const adminPath = path.startsWith('/admin/') ? path.slice('/admin'.length) : null;
    const candidates = adminPath === null ? [plansRoute] : table;
    const routePath = adminPath ?? path;
    const match = candidates.find(
      ([route, pattern]) => route.startsWith(`${request.method} `) && pattern.test(routePath),
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
      const params = (pattern.exec(routePath) ?? []).slice(1).map((part) => decodeURIComponent(part));
      return handle({ params, body: isRecord(body) ? body : {}, url });
    } catch (error) {
      if (error instanceof FakeHttpError)
        return errorResponse(error.status, error.code, error.message, error.extra);
      throw error;
    }
  }

  return fake;
}

// --- the seed's cast ---------------------------------------------------------------------------

type Scenario =
  | 'active'
  | 'new_this_month'
  | 'upgraded'
  | 'downgraded'
  | 'trialing'
  | 'past_due'
  | 'unpaid'
  | 'cancel_scheduled'
  | 'canceled'
  | 'reactivated'
  | 'none';

/** For 40 customers: 14 active, 2 new this month, 4 upgraded, 2 downgraded, 4 trialing, 3 past due,
 * 1 unpaid, 2 ending, 5 churned, 2 reactivated, 1 never subscribed; in a fixed shuffled order. */
function scenarioList(count: number, random: () => number): Scenario[] {
  const shares: Array<[Scenario, number]> = [
    ['upgraded', 4],
    ['downgraded', 2],
    ['trialing', 4],
    ['past_due', 3],
    ['unpaid', 1],
    ['cancel_scheduled', 2],
    ['canceled', 5],
    ['reactivated', 2],
    ['new_this_month', 2],
    ['none', 1],
  ];
  const list: Scenario[] = [];
  const scale = count / 40;
  for (const [scenario, share] of shares) {
    for (let i = 0; i < Math.max(1, Math.round(share * scale)); i += 1) list.push(scenario);
  }
  while (list.length < count) list.push('active');
  list.length = count;
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

const CUSTOMER_NAMES = [
  'Ava Nguyen',
  'Liam Smith',
  'Olivia Brown',
  'Noah Wilson',
  'Charlotte Taylor',
  'Oliver Jones',
  'Amelia Williams',
  'William Lee',
  'Isla Martin',
  'Jack Anderson',
  'Mia Thompson',
  'Henry White',
  'Grace Harris',
  'Leo Walker',
  'Chloe Robinson',
  'Lucas Kelly',
  'Ruby King',
  'Thomas Wright',
  'Zoe Scott',
  'James Green',
  'Matilda Baker',
  'Ethan Hall',
  'Harper Young',
  'Mason Allen',
  'Sophie Mitchell',
  'Hudson Campbell',
  'Evie Roberts',
  'Archie Turner',
  'Willow Phillips',
  'Lachlan Evans',
  'Ivy Murphy',
  'Cooper Ryan',
  'Aria Edwards',
  'Max Collins',
  'Georgia Stewart',
  'Harrison Morris',
  'Layla Chen',
  'Samuel Patel',
  'Mila Singh',
  'Oscar Kaur',
];

function catalogPlans(): PlanJson[] {
  const plan = (
    id: string,
    name: string,
    monthly: number,
    features: string[],
    trialDays: number | null,
  ): PlanJson => ({
    id,
    name,
    description: null,
    features,
    prices: (['month', 'year'] as const).map((interval) => ({
      interval,
      intervalCount: 1,
      amount: { amount: interval === 'month' ? monthly : monthly * 10, currency: 'aud' },
      taxBehavior: 'inclusive' as const,
      trialDays,
    })),
  });
  return [
    plan('starter', 'Starter', 1000, ['1 project', 'Email support'], null),
    plan('pro', 'Pro', 2500, ['10 projects', 'Priority support'], 14),
    plan('business', 'Business', 5000, ['Unlimited projects', 'Team seats', 'Phone support'], null),
  ];
}

// --- helpers of the fake's own -----------------------------------------------------------------

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

function csv(rows: string[][], filename: string): Response {
  const text = `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
  return new Response(text, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function errorResponse(status: number, code: string, message: string, extra: Json = {}): Response {
  return json({ error: { code, message, ...extra } }, status);
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

/** A page of `rows` at the request's `cursor` (an offset, opaque to the client) and `limit`. */
function page<T>(rows: T[], url: URL): { items: T[]; nextCursor: string | null } {
  const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
  const cursor = url.searchParams.get('cursor');
  const offset = cursor ? Number(atob(cursor).replace(/^offset:/, '')) || 0 : 0;
  const items = rows.slice(offset, offset + limit);
  const next = offset + limit < rows.length ? btoa(`offset:${offset + limit}`) : null;
  return { items, nextCursor: next };
}

/** The request's `from` and `to` (ISO dates or times); 400 when missing or backwards. */
function rangeOf(url: URL): { from: number; to: number } {
  const from = Date.parse(url.searchParams.get('from') ?? '');
  const to = Date.parse(url.searchParams.get('to') ?? '');
  if (Number.isNaN(from)) throw httpError(400, 'invalid_input', 'from: an ISO 8601 date', 'from');
  if (Number.isNaN(to) || to <= from)
    throw httpError(400, 'invalid_input', 'to: an ISO 8601 date after from', 'to');
  return { from, to };
}

function inRange(time: string, from: number, to: number): boolean {
  const at = Date.parse(time);
  return at >= from && at < to;
}

/** The GST in what was paid on an invoice: its tax, in proportion to the part paid. */
function gstShare(invoice: InvoiceRecordJson): number {
  return invoice.total > 0 ? Math.round((invoice.tax * invoice.amountPaid) / invoice.total) : 0;
}

function decimal(minor: number): string {
  return (minor / 100).toFixed(2);
}

function addMonths(time: number, months: number): number {
  const date = new Date(time);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

function addInterval(time: number, interval: 'month' | 'year' | string): number {
  return addMonths(time, interval === 'year' ? 12 : 1);
}

function countPeriods(from: number, to: number, interval: 'month' | 'year'): number {
  let count = 0;
  for (let at = from; at <= to; at = addInterval(at, interval)) count += 1;
  return count;
}

function monthsOverlapping(from: number, to: number): Array<{ month: string; start: number; end: number }> {
  const months = [];
  const first = new Date(from);
  for (
    let start = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
    start < to;
    start = addMonths(start, 1)
  ) {
    months.push({ month: new Date(start).toISOString().slice(0, 7), start, end: addMonths(start, 1) });
  }
  return months;
}

function periodsOverlapping(from: number, to: number, kind: 'quarter' | 'month') {
  if (kind === 'month')
    return monthsOverlapping(from, to).map(({ month, start, end }) => ({ period: month, start, end }));
  const periods = [];
  const first = new Date(from);
  const quarterStart = Math.floor(first.getUTCMonth() / 3) * 3;
  for (
    let start = Date.UTC(first.getUTCFullYear(), quarterStart, 1);
    start < to;
    start = addMonths(start, 3)
  ) {
    const date = new Date(start);
    periods.push({
      period: `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`,
      start,
      end: addMonths(start, 3),
    });
  }
  return periods;
}

function declineMessage(code: string | null): string {
  if (code === 'insufficient_funds') return 'Your card has insufficient funds.';
  if (code === 'expired_card') return 'Your card has expired.';
  return 'Your card was declined.';
}

function pick<T>(random: () => number, options: readonly T[]): T {
  return options[Math.floor(random() * options.length)]!;
}

/** A small seeded generator, so every fake holds the same business. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable Stripe-looking id suffix for a string. */
function hash(text: string): string {
  let value = 2166136261;
  for (const char of text) value = Math.imul(value ^ char.charCodeAt(0), 16777619) >>> 0;
  return `Fk${value.toString(36).padStart(7, '0')}`;
}
