// Credits: money put on the customer's Stripe balance, which Stripe takes off their next
// invoices. Each grant is recorded with who gave it and why, mirrored and audited in one
// transaction.

import { z } from 'zod';
import { alreadyAudited, recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { requireCustomer, userIdSchema } from '../customers/customers.js';
import { parseInput } from '../errors/parse-input.js';
import { creditRecordFrom } from '../mirror/money-records.js';
import { customerRecordFrom } from '../mirror/stripe-to-records.js';
import { type Money, money } from '../money.js';
import type { CreditRecord, Page } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';

const grantSchema = z.object({
  userId: userIdSchema,
  /** Minor units of credit (positive): 500 is A$5.00 off the next invoices. */
  amount: z.number().int().positive().max(100_000_000),
  /** @default the catalog's currency */
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/)
    .transform((c) => c.toLowerCase())
    .optional(),
  /** Shown to the customer on their invoice. */
  description: z.string().trim().min(1).max(350),
  /** Who gave it: `admin:<id>`, `system`. */
  actor: z.string().min(1).max(255).default('system'),
  /** The same key twice grants once. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});

const listSchema = z
  .object({
    limit: z.number().int().min(1).max(100).optional(),
    after: z.string().max(500).nullable().optional(),
  })
  .default({});

export interface CreditBalance {
  /** Credit waiting to be applied to the next invoices (positive), or 0. */
  available: Money;
  /** Balance transactions, newest first: grants (negative amounts, as Stripe) and their use. */
  transactions: Page<CreditRecord>;
}

export function creditsApi(ctx: BillingContext) {
  return {
    /** Gives the customer credit that Stripe applies to their next invoices. */
    async grant(input: z.input<typeof grantSchema>): Promise<CreditRecord> {
      const args = parseInput(grantSchema, input, 'credits.grant');
      const customer = await requireCustomer(ctx, args.userId);
      const currency = args.currency ?? customer.currency ?? ctx.catalog.currency;
      const txn = await ctx.gateway.call('customers.createBalanceTransaction', (stripe) =>
        stripe.customers.createBalanceTransaction(
          customer.stripeCustomerId,
          {
            amount: -args.amount,
            currency,
            description: args.description,
            metadata: { billkit_actor: args.actor, billkit_user_id: args.userId },
          },
          {
            idempotencyKey: args.idempotencyKey
              ? idempotencyKey('credit.grant', customer.stripeCustomerId, args.idempotencyKey)
              : idempotencyKey('credit.grant', customer.stripeCustomerId, customer.version, args.amount),
          },
        ),
      );
      const stripeCustomer = await ctx.gateway.call('customers.retrieve', (stripe) =>
        stripe.customers.retrieve(customer.stripeCustomerId, { expand: ['tax_ids'] }),
      );
      const now = ctx.clock.now();
      const record = creditRecordFrom(txn, args.userId, toUnix(now));
      await ctx.store.transaction(async (session) => {
        await session.credits.upsert(record);
        if (!stripeCustomer.deleted) {
          const existing = await session.customers.findByStripeId(customer.stripeCustomerId);
          await session.customers.upsert(
            customerRecordFrom(stripeCustomer, args.userId, toUnix(now), existing, now),
          );
        }
        if (!(await alreadyAudited(session, txn.id, 'credit.granted'))) {
          await recordAudit(session, ctx.clock, {
            actor: args.actor,
            action: 'credit.granted',
            subjectType: 'credit',
            subjectId: txn.id,
            userId: args.userId,
            data: { amount: args.amount, currency, description: args.description },
          });
        }
      });
      return record;
    },

    /** The credit the customer has left and its history. */
    async list(userId: string, page?: z.input<typeof listSchema>): Promise<CreditBalance> {
      const id = parseInput(userIdSchema, userId, 'credits.list');
      const args = parseInput(listSchema, page, 'credits.list');
      const customer = await requireCustomer(ctx, id);
      const transactions = await ctx.store.credits.listByUserId(id, {
        ...(args.limit ? { limit: args.limit } : {}),
        ...(args.after ? { after: args.after } : {}),
      });
      return {
        available: money(Math.max(0, -customer.balance), customer.currency ?? ctx.catalog.currency),
        transactions,
      };
    },
  };
}
