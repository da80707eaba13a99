// `createAdmin({ billing })`: the operator's side of Billkit. Actions go through the engine (so
// Stripe, the mirror and the audit log stay in step) with the acting admin as `admin:<id>`;
// analytics and reports are aggregates the store computes.

import {
  ABANDONED_AT_SIGNUP,
  type AuditEntry,
  type Billing,
  BillingError,
  type CustomerRecord,
  type DisputeRecord,
  type InvoiceRecord,
  type Page,
  parseInput,
  type RefundRecord,
} from '@billkit/core';
import { z } from 'zod';
import type { Admin } from './admin.js';
import { forecast } from './forecast.js';
import { gstReport, gstReportCsv } from './gst-report.js';
import { DEFAULT_ACCOUNTS, type JournalAccounts, journalCsv, journalLines } from './journal.js';
import { computeMetrics } from './metrics.js';
import { parseRange, rangeSchema } from './periods.js';
import { recognitionReport } from './recognition.js';
import type { ApiCostSource, CustomerDetail, CustomerProfit, Profitability } from './types.js';

export interface AdminOptions {
  billing: Billing;
  /** The growth goal drawn on the forecast. @default { subscribers: 1000, byMonth: 3 } */
  goal?: { subscribers: number; byMonth: number } | null;
  /** API spend (e.g. @billkit/metering's), for profitability; without it API costs are unknown. */
  apiCosts?: ApiCostSource;
  /** Names of the ledger accounts in the journal export. */
  accounts?: Partial<JournalAccounts>;
}

const optionsSchema = z.object({
  billing: z.object({ store: z.object({}).loose(), clock: z.object({}).loose() }).loose(),
  goal: z
    .object({ subscribers: z.number().int().positive(), byMonth: z.number().int().min(1).max(36) })
    .nullable()
    .optional(),
  apiCosts: z.object({ costs: z.function() }).loose().optional(),
  accounts: z
    .object({
      clearing: z.string().min(1).max(100),
      deferredRevenue: z.string().min(1).max(100),
      revenue: z.string().min(1).max(100),
      gst: z.string().min(1).max(100),
      fees: z.string().min(1).max(100),
    })
    .partial()
    .optional(),
});

// Room for the `admin:` prefix within the audit log's 255 characters.
const actor = z.string().trim().min(1).max(249);
const customerId = z.string().trim().min(1).max(255);
const cursor = z.string().max(500).nullable().optional();
const limit = z.number().int().min(1).max(100).optional();
const statusFilter = z.enum([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
  'none',
]);

const searchSchema = z
  .object({ query: z.string().max(200).optional(), status: statusFilter.optional(), cursor, limit })
  .default({});
const auditSchema = z
  .object({
    customerId: customerId.optional(),
    subjectId: z.string().max(255).optional(),
    actor: z.string().min(1).max(255).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    cursor,
    limit,
  })
  .default({});
const disputesSchema = z.object({ status: z.string().max(60).optional(), cursor, limit }).default({});
const forecastSchema = z
  .object({
    months: z.number().int().min(1).max(36).default(12),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/)
      .transform((c) => c.toLowerCase())
      .optional(),
    goal: z
      .object({ subscribers: z.number().int().positive(), byMonth: z.number().int().min(1).max(36) })
      .nullable()
      .optional(),
  })
  .default({ months: 12 });
const reportSchema = rangeSchema.and(
  z.object({
    period: z.enum(['quarter', 'month']).default('quarter'),
    format: z.enum(['json', 'csv']).default('json'),
  }),
);
const journalSchema = rangeSchema.and(z.object({ format: z.enum(['json', 'csv']).default('json') }));
const profitSchema = rangeSchema.and(z.object({ limit: z.number().int().min(1).max(1000).default(100) }));
const oneOffSchema = z.object({
  customerId,
  items: z
    .array(
      z.object({
        description: z.string().trim().min(1).max(500),
        amount: z.number().int().positive().max(100_000_000),
      }),
    )
    .min(1)
    .max(50),
  collection: z.enum(['charge', 'send']),
  daysUntilDue: z.number().int().min(1).max(365).optional(),
  actor,
  idempotencyKey: z.string().min(1).max(200).optional(),
});

/** How an admin's id is written in the audit log. */
export function adminActor(id: string): string {
  return id.startsWith('admin:') ? id : `admin:${id}`;
}

export function createAdmin(options: AdminOptions): Admin {
  parseInput(optionsSchema, options, 'createAdmin');
  const { billing } = options;
  const store = billing.store;
  const analytics = store.analytics;
  const goal = options.goal === undefined ? { subscribers: 1000, byMonth: 3 } : options.goal;
  const accounts = { ...DEFAULT_ACCOUNTS, ...options.accounts };
  const currencyOf = (currency: string | undefined) => currency ?? billing.config.currency;

  /** The customer by the host's user id or the Stripe customer id; `customer_not_found` otherwise. */
  async function findCustomer(id: string): Promise<CustomerRecord> {
    const parsed = parseInput(customerId, id, 'admin.customers');
    const found =
      (await store.customers.findByUserId(parsed)) ??
      (parsed.startsWith('cus_') ? await store.customers.findByStripeId(parsed) : null);
    if (!found) throw new BillingError('customer_not_found', `No billing customer ${parsed}.`);
    return found;
  }

  async function detail(id: string): Promise<CustomerDetail> {
    const customer = await findCustomer(id);
    const { userId, stripeCustomerId } = customer;
    const [subscriptions, paymentMethods, invoices, payments, credits, emails, audit, mrrHistory] =
      await Promise.all([
        store.subscriptions.listByUserId(userId),
        store.paymentMethods.listByCustomer(stripeCustomerId),
        store.invoices.listByUserId(userId, { limit: 100 }),
        store.payments.listByUserId(userId, { limit: 100 }),
        store.credits.listByUserId(userId, { limit: 100 }),
        allPages((after) => store.outbox.list({ userId, limit: 100, after }), 1000),
        allPages((after) => store.audit.list({ userId, limit: 100, after }), 1000),
        allPages((after) => store.mrr.list({ userId, limit: 100, after }), 1000),
      ]);
    const refunds = (
      await Promise.all(invoices.items.map((invoice) => store.refunds.listByInvoice(invoice.stripeInvoiceId)))
    ).flat();
    const disputes = (
      await Promise.all(payments.items.map((payment) => store.disputes.listByCharge(payment.stripeChargeId)))
    ).flat();
    const started = subscriptions.filter((s) => s.cancellationReason !== ABANDONED_AT_SIGNUP);
    const currency = billing.config.currency;
    const [totals] = await analytics.customerRevenue({
      from: new Date(0),
      to: new Date(billing.clock.now().getTime() + 1),
      currency,
      userIds: [userId],
    });
    return {
      customer,
      subscriptionStatus: started[0]?.status ?? null,
      subscriptions,
      paymentMethods,
      invoices: invoices.items,
      payments: payments.items,
      refunds: newestFirst(refunds),
      disputes: newestFirst(disputes),
      credits: credits.items,
      emails: [...emails].reverse(),
      audit: [...audit].reverse(),
      mrrHistory,
      totals: {
        currency,
        revenue: totals?.revenue ?? 0,
        refunds: totals?.refunds ?? 0,
        fees: totals?.fees ?? 0,
      },
      stripeDashboardUrl: `${billing.config.urls.stripeDashboard.replace(/\/$/, '')}/customers/${stripeCustomerId}`,
    };
  }

  async function profitability(input: unknown): Promise<Profitability> {
    const args = parseInput(profitSchema, input, 'admin.profitability');
    const currency = currencyOf(args.currency);
    const window = { from: args.from, to: args.to, currency };
    const [metrics, rows, costs] = await Promise.all([
      computeMetrics(analytics, { ...args, currency }, undefined),
      analytics.customerRevenue({ ...window, limit: args.limit }),
      options.apiCosts ? options.apiCosts.costs(window) : Promise.resolve(null),
    ]);
    const emails = await Promise.all(rows.map((row) => store.customers.findByUserId(row.userId)));
    const customers = rows.map((row, i): CustomerProfit => {
      const apiCosts = costs?.byUser[row.userId] ?? 0;
      return {
        userId: row.userId,
        email: emails[i]?.email ?? null,
        revenue: row.revenue,
        refunds: row.refunds,
        fees: row.fees,
        apiCosts,
        profit: row.revenue - row.refunds - row.fees - apiCosts,
      };
    });
    const refunds = metrics.revenue - metrics.fees - metrics.net;
    return {
      currency,
      from: args.from,
      to: args.to,
      revenue: metrics.revenue,
      refunds,
      fees: metrics.fees,
      apiCosts: costs?.total ?? null,
      profit: metrics.net - (costs?.total ?? 0),
      customers,
    };
  }

  const admin: Admin = {
    customers: {
      async search(query) {
        const args = parseInput(searchSchema, query, 'admin.customers.search');
        return store.customers.search({
          ...(args.query?.trim() ? { query: args.query.trim() } : {}),
          ...(args.status ? { status: args.status } : {}),
          excludeCancellationReason: ABANDONED_AT_SIGNUP,
          limit: args.limit ?? 25,
          after: args.cursor ?? null,
        });
      },
      detail,
    },

    async refund(input) {
      const args = parseInput(
        z.object({
          invoiceId: z.string().optional(),
          chargeId: z.string().optional(),
          amount: z.number().int().positive().optional(),
          reason: z.string().trim().min(1).max(500),
          note: z.string().trim().min(1).max(500).optional(),
          actor,
          idempotencyKey: z.string().min(1).max(200).optional(),
        }),
        input,
        'admin.refund',
      );
      return billing.refunds.create({
        ...(args.invoiceId ? { invoiceId: args.invoiceId } : {}),
        ...(args.chargeId ? { chargeId: args.chargeId } : {}),
        ...(args.amount ? { amount: args.amount } : {}),
        reason: args.reason,
        ...(args.note ? { note: args.note } : {}),
        actor: adminActor(args.actor),
        ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
      }) as Promise<RefundRecord>;
    },

    async grantCredit(input) {
      const args = parseInput(
        z.object({
          customerId,
          amount: z.number().int().positive(),
          currency: z.string().optional(),
          description: z.string().trim().min(1).max(350),
          actor,
          idempotencyKey: z.string().min(1).max(200).optional(),
        }),
        input,
        'admin.grantCredit',
      );
      const customer = await findCustomer(args.customerId);
      return billing.credits.grant({
        userId: customer.userId,
        amount: args.amount,
        ...(args.currency ? { currency: args.currency } : {}),
        description: args.description,
        actor: adminActor(args.actor),
        ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
      });
    },

    invoices: {
      async createOneOff(input) {
        const args = parseInput(oneOffSchema, input, 'admin.invoices.createOneOff');
        const customer = await findCustomer(args.customerId);
        return billing.invoices.createOneOff({
          userId: customer.userId,
          items: args.items,
          collection: args.collection,
          ...(args.daysUntilDue ? { daysUntilDue: args.daysUntilDue } : {}),
          actor: adminActor(args.actor),
          ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
        }) as Promise<InvoiceRecord>;
      },
      async resendReceipt(input) {
        const args = parseInput(
          z.object({ invoiceId: z.string().min(1).max(255), actor }),
          input,
          'admin.invoices.resendReceipt',
        );
        await billing.notifications.resendReceipt({
          invoiceId: args.invoiceId,
          actor: adminActor(args.actor),
        });
      },
    },

    payments: {
      async retry(invoiceId, retryOptions) {
        const who = parseInput(actor, retryOptions?.actor, 'admin.payments.retry');
        return billing.payments.retry(invoiceId, { actor: adminActor(who) });
      },
    },

    subscriptions: {
      async cancel(input) {
        const args = parseInput(
          z.object({
            customerId,
            when: z.enum(['now', 'period_end']),
            reason: z.string().max(500).optional(),
            actor,
          }),
          input,
          'admin.subscriptions.cancel',
        );
        const customer = await findCustomer(args.customerId);
        return billing.subscriptions.cancel({
          userId: customer.userId,
          atPeriodEnd: args.when === 'period_end',
          ...(args.reason ? { reason: args.reason } : {}),
          actor: adminActor(args.actor),
        });
      },
      async reactivate(input) {
        const args = parseInput(z.object({ customerId, actor }), input, 'admin.subscriptions.reactivate');
        const customer = await findCustomer(args.customerId);
        const result = await billing.subscriptions.reactivate({
          userId: customer.userId,
          actor: adminActor(args.actor),
        });
        return result.subscription;
      },
      async changePlan(input) {
        const args = parseInput(
          z.object({
            customerId,
            plan: z.string().min(1).max(100),
            interval: z.enum(['month', 'year']).optional(),
            actor,
          }),
          input,
          'admin.subscriptions.changePlan',
        );
        const customer = await findCustomer(args.customerId);
        return billing.subscriptions.change({
          userId: customer.userId,
          plan: args.plan,
          ...(args.interval ? { interval: args.interval } : {}),
          proration: 'none',
          actor: adminActor(args.actor),
        });
      },
      async extendTrial(input) {
        const args = parseInput(
          z.object({ customerId, until: rangeSchema.shape.from, actor }),
          input,
          'admin.subscriptions.extendTrial',
        );
        const customer = await findCustomer(args.customerId);
        return billing.subscriptions.extendTrial({
          userId: customer.userId,
          until: args.until,
          actor: adminActor(args.actor),
        });
      },
      async extendGrace(input) {
        const args = parseInput(
          z.object({ customerId, days: z.number().int().min(1).max(90), actor }),
          input,
          'admin.subscriptions.extendGrace',
        );
        const customer = await findCustomer(args.customerId);
        const live = (await store.subscriptions.listByUserId(customer.userId)).find(
          (s) => s.status === 'past_due' || s.status === 'unpaid',
        );
        if (!live) {
          throw new BillingError('invalid_state', `${args.customerId} has no past-due subscription.`);
        }
        // More days on top of the grace the customer has now (the policy's or an earlier
        // extension), or from now when it has run out.
        const now = billing.clock.now();
        const access = await billing.access.check(customer.userId);
        const graceEnd = access.graceUntil ?? live.graceExtendedUntil;
        const from = graceEnd && graceEnd > now ? graceEnd : now;
        return billing.subscriptions.extendGrace({
          userId: customer.userId,
          until: new Date(from.getTime() + args.days * 86_400_000),
          actor: adminActor(args.actor),
        });
      },
    },

    disputes: {
      async list(query) {
        const args = parseInput(disputesSchema, query, 'admin.disputes.list');
        if (!args.status) {
          return billing.disputes.list({ limit: args.limit ?? 25, after: args.cursor ?? null });
        }
        // A status filter reads pages until it has a page of matches (disputes are few).
        const matches: DisputeRecord[] = [];
        let after = args.cursor ?? null;
        do {
          const page = await billing.disputes.list({ limit: 100, after });
          matches.push(...page.items.filter((d) => d.status === args.status));
          after = page.nextCursor;
        } while (after && matches.length < (args.limit ?? 25));
        return { items: matches, nextCursor: after };
      },
      async markEvidenceSubmitted(input) {
        const args = parseInput(
          z.object({ disputeId: z.string().min(1).max(255), actor }),
          input,
          'admin.disputes.markEvidenceSubmitted',
        );
        return billing.disputes.submitEvidence({
          disputeId: args.disputeId,
          evidence: {},
          submit: true,
          actor: adminActor(args.actor),
        });
      },
    },

    async metrics(range) {
      const args = parseRange(range, 'admin.metrics');
      return computeMetrics(analytics, { ...args, currency: currencyOf(args.currency) }, options.apiCosts);
    },

    profitability,

    revenue: {
      async recognition(range) {
        const args = parseRange(range, 'admin.revenue.recognition');
        return recognitionReport(analytics, { ...args, currency: currencyOf(args.currency) });
      },
    },

    reports: {
      async gst(range: any): Promise<any> {
        const args = parseInput(reportSchema, range, 'admin.reports.gst');
        const report = await gstReport(analytics, { ...args, currency: currencyOf(args.currency) });
        return args.format === 'csv' ? gstReportCsv(report) : report;
      },
      async journal(range: any): Promise<any> {
        const args = parseInput(journalSchema, range, 'admin.reports.journal');
        const lines = await journalLines(
          analytics,
          { ...args, currency: currencyOf(args.currency) },
          accounts,
        );
        return args.format === 'csv' ? journalCsv(lines) : lines;
      },
    },

    async forecast(input) {
      const args = parseInput(forecastSchema, input, 'admin.forecast');
      return forecast(analytics, {
        now: billing.clock.now(),
        months: args.months,
        currency: currencyOf(args.currency),
        goal: args.goal === undefined ? goal : args.goal,
      });
    },

    audit: {
      async list(query) {
        const args = parseInput(auditSchema, query, 'admin.audit.list');
        const userId = args.customerId ? (await findCustomer(args.customerId)).userId : undefined;
        return store.audit.list({
          ...(userId ? { userId } : {}),
          ...(args.subjectId ? { subjectId: args.subjectId } : {}),
          ...(args.actor ? { actor: args.actor } : {}),
          ...(args.from ? { from: args.from } : {}),
          ...(args.to ? { to: args.to } : {}),
          limit: args.limit ?? 50,
          after: args.cursor ?? null,
        }) as Promise<Page<AuditEntry>>;
      },
      verify: () => billing.audit.verify(),
    },
  };
  return admin;
}

async function allPages<T>(
  read: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
  max: number,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page = await read(after);
    items.push(...page.items);
    after = page.nextCursor;
  } while (after && items.length < max);
  return items;
}

function newestFirst<T extends { createdAt: Date }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
