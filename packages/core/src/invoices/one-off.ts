// One-off invoices an operator raises outside the subscription (a consultation, a setup fee):
// taxed like the catalog's prices, then charged at once to the default card or sent to be paid.

import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import { alreadyAudited, recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { requireCustomer, userIdSchema } from '../customers/customers.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { invoiceRecordFrom } from '../mirror/money-records.js';
import { payInvoice } from '../payments/payments.js';
import type { CustomerRecord, InvoiceRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';

const createOneOffSchema = z
  .object({
    userId: userIdSchema,
    /** Each line: minor units in the catalog's currency, tax included when the catalog's prices include it. */
    items: z
      .array(
        z.object({
          description: z.string().trim().min(1).max(500),
          amount: z.number().int().positive().max(100_000_000),
        }),
      )
      .min(1)
      .max(50),
    /** 'charge': paid now with the default card; 'send': Stripe sends it, to be paid by its due date. */
    collection: z.enum(['charge', 'send']),
    /** For 'send': days from now to the due date. @default 14 */
    daysUntilDue: z.number().int().min(1).max(365).optional(),
    /** Who raised it: `admin:<id>`. */
    actor: z.string().min(1).max(255),
    /** The same key twice makes one invoice (and one charge). Without one, each call makes a new invoice. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .refine((input) => input.collection === 'send' || input.daysUntilDue === undefined, {
    message: "daysUntilDue is only for collection 'send'",
    path: ['daysUntilDue'],
  });

export type CreateOneOffInvoiceInput = z.input<typeof createOneOffSchema>;
type CreateOneOff = z.output<typeof createOneOffSchema>;

const DEFAULT_DAYS_UNTIL_DUE = 14;

/**
 * Creates, finalizes and collects a one-off invoice. A declined charge throws CardDeclinedError
 * (3D Secure: RequiresActionError) and leaves the invoice open with the attempt recorded, to be
 * retried with `payments.retry`.
 */
export async function createOneOffInvoice(ctx: BillingContext, input: unknown): Promise<InvoiceRecord> {
  const args = parseInput(createOneOffSchema, input, 'invoices.createOneOff');
  const customer = await requireCustomer(ctx, args.userId);
  refuseWhatCannotBeCollected(ctx, customer, args);
  const taxRates = await ctx.tax.taxRateIds(ctx.gateway, { country: customer.address?.country ?? null });
  // Every Stripe call of one invoice shares a scope, so a retry with the same idempotencyKey resumes
  // where the first stopped and never makes a second invoice or charge.
  const scope = args.idempotencyKey ?? randomUUID();
  const key = (step: string) => idempotencyKey('invoice.one_off', customer.stripeCustomerId, scope, step);

  const draft = await ctx.gateway.call('invoices.create', (stripe) =>
    stripe.invoices.create(
      {
        customer: customer.stripeCustomerId,
        currency: ctx.catalog.currency,
        auto_advance: false,
        // Only these lines: pending items (a subscription's prorations) wait for their renewal.
        pending_invoice_items_behavior: 'exclude',
        ...(args.collection === 'send'
          ? {
              collection_method: 'send_invoice' as const,
              days_until_due: args.daysUntilDue ?? DEFAULT_DAYS_UNTIL_DUE,
            }
          : { collection_method: 'charge_automatically' as const }),
        ...(ctx.tax.automaticTax ? { automatic_tax: { enabled: true } } : {}),
        metadata: { billkit_user_id: args.userId, billkit_actor: args.actor },
      },
      { idempotencyKey: key('invoice') },
    ),
  );
  for (const [index, item] of args.items.entries()) {
    await ctx.gateway.call('invoiceItems.create', (stripe) =>
      stripe.invoiceItems.create(
        {
          customer: customer.stripeCustomerId,
          invoice: draft.id,
          amount: item.amount,
          currency: ctx.catalog.currency,
          description: item.description,
          ...(taxRates.length > 0 ? { tax_rates: taxRates } : {}),
          ...(ctx.tax.automaticTax ? { tax_behavior: ctx.tax.defaultTaxBehavior } : {}),
        },
        { idempotencyKey: key(`item:${index}`) },
      ),
    );
  }
  await ctx.gateway.call('invoices.finalizeInvoice', (stripe) =>
    stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false }, { idempotencyKey: key('finalize') }),
  );
  if (args.collection === 'send') {
    await ctx.gateway.call('invoices.sendInvoice', (stripe) =>
      stripe.invoices.sendInvoice(draft.id, {}, { idempotencyKey: key('send') }),
    );
  }
  // Read again: on a retry with the same key, Stripe's replayed answers are the first call's.
  const issued = await ctx.gateway.call('invoices.retrieve', (stripe) => stripe.invoices.retrieve(draft.id));
  const record = await writeOneOff(ctx, issued, args);
  if (args.collection === 'send' || issued.status !== 'open') return record;
  return payInvoice(ctx, issued.id, { userId: args.userId, actor: args.actor });
}

/** What would make the invoice impossible to collect is refused before anything is created. */
function refuseWhatCannotBeCollected(
  ctx: BillingContext,
  customer: CustomerRecord,
  args: CreateOneOff,
): void {
  if (args.collection === 'charge' && !customer.defaultPaymentMethodId) {
    throw new BillingError(
      'payment_method_required',
      `User ${args.userId} has no default payment method to charge; send the invoice instead.`,
    );
  }
  if (args.collection === 'send' && !customer.email) {
    throw new BillingError(
      'invalid_state',
      `User ${args.userId} has no email address to send the invoice to.`,
    );
  }
  if (customer.currency && customer.currency !== ctx.catalog.currency) {
    throw new BillingError(
      'invalid_state',
      `User ${args.userId} is billed in ${customer.currency.toUpperCase()}, not the catalog's ${ctx.catalog.currency.toUpperCase()}.`,
    );
  }
}

/** Mirrors the issued invoice with its audit entry (once per invoice, however often it is retried). */
async function writeOneOff(
  ctx: BillingContext,
  invoice: Stripe.Invoice,
  args: CreateOneOff,
): Promise<InvoiceRecord> {
  const record = invoiceRecordFrom(invoice, args.userId, toUnix(ctx.clock.now()));
  const written = await ctx.store.transaction(async (session) => {
    const stale = (await session.invoices.upsert(record)) === 'stale';
    if (!(await alreadyAudited(session, invoice.id, 'invoice.created_one_off'))) {
      await recordAudit(session, ctx.clock, {
        actor: args.actor,
        action: 'invoice.created_one_off',
        subjectType: 'invoice',
        subjectId: invoice.id,
        userId: args.userId,
        data: {
          collection: args.collection,
          items: args.items,
          currency: invoice.currency,
          total: record.total,
          tax: record.tax,
          dueDate: invoice.due_date ? new Date(invoice.due_date * 1000).toISOString() : null,
        },
      });
    }
    return stale ? ((await session.invoices.findByStripeId(invoice.id)) ?? record) : record;
  });
  await ctx.afterCommit();
  return written;
}
