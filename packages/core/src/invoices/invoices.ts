// Invoices as the customer sees them: the mirrored list, one invoice, and its PDF, rendered by
// Billkit with the host's branding (an Australian tax invoice under australianGst). Every read is
// scoped to the user: another user's invoice id answers `invoice_not_found`, never the invoice.
// Operators also raise one-off invoices here (`one-off.ts`).

import { z } from 'zod';
import type { BillingContext } from '../context.js';
import { userIdSchema } from '../customers/customers.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { addressFromStripe } from '../mirror/stripe-to-records.js';
import type { Attachment } from '../notifications/notifier.js';
import type {
  CustomerRecord,
  InvoiceRecord,
  OutboxMessageRecord,
  Page,
  PaymentRecord,
  RefundRecord,
} from '../store/records.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { type CreateOneOffInvoiceInput, createOneOffInvoice } from './one-off.js';
import { buildInvoiceDocument } from './tax-invoice.js';

const invoiceIdSchema = z.string().regex(/^in_\w{1,250}$/, 'a Stripe invoice id (in_...)');
const listSchema = z
  .object({
    limit: z.number().int().min(1).max(100).optional(),
    after: z.string().max(500).nullable().optional(),
  })
  .default({});

/** An invoice with what was paid and given back on it. */
export interface InvoiceDetail extends InvoiceRecord {
  /** Every charge tried for it, oldest first (failed tries included). */
  payments: PaymentRecord[];
  refunds: RefundRecord[];
}

export function invoicesApi(ctx: BillingContext) {
  async function owned(userId: string, invoiceId: string): Promise<InvoiceRecord> {
    const invoice = await ctx.store.invoices.findByStripeId(invoiceId);
    // One answer for "not there" and "someone else's": ids must not be probeable.
    if (!invoice || invoice.userId !== userId) {
      throw new BillingError('invoice_not_found', `No invoice ${invoiceId} for this user.`);
    }
    return invoice;
  }

  return {
    /** The user's invoices, newest first, a page at a time (drafts included: they become the next bill). */
    async list(userId: string, page?: z.input<typeof listSchema>): Promise<Page<InvoiceRecord>> {
      const id = parseInput(userIdSchema, userId, 'invoices.list');
      const args = parseInput(listSchema, page, 'invoices.list');
      return ctx.store.invoices.listByUserId(id, {
        ...(args.limit ? { limit: args.limit } : {}),
        ...(args.after ? { after: args.after } : {}),
      });
    },

    /** One of the user's invoices, with lines, tax, its payments (each try) and refunds. */
    async get(userId: string, invoiceId: string): Promise<InvoiceDetail> {
      const id = parseInput(userIdSchema, userId, 'invoices.get');
      const invoice = await owned(id, parseInput(invoiceIdSchema, invoiceId, 'invoices.get'));
      const [payments, refunds] = await Promise.all([
        ctx.store.payments.listByInvoice(invoice.stripeInvoiceId),
        ctx.store.refunds.listByInvoice(invoice.stripeInvoiceId),
      ]);
      return { ...invoice, payments, refunds };
    },

    /**
     * The invoice as a PDF (bytes), rendered by Billkit: under australianGst a valid Australian
     * tax invoice. Drafts have no PDF yet (`invalid_state`): they may still change.
     */
    async pdf(userId: string, invoiceId: string): Promise<Uint8Array> {
      const id = parseInput(userIdSchema, userId, 'invoices.pdf');
      const invoice = await owned(id, parseInput(invoiceIdSchema, invoiceId, 'invoices.pdf'));
      return renderFor(ctx, invoice);
    },

    /**
     * An operator's one-off invoice outside the subscription, taxed like the catalog's prices:
     * charged now to the default card (`collection: 'charge'`; a decline throws CardDeclinedError
     * and leaves it open, with the attempt recorded, for `payments.retry`) or sent by Stripe to be
     * paid within `daysUntilDue` (`'send'`). One invoice per `idempotencyKey`.
     */
    async createOneOff(input: CreateOneOffInvoiceInput): Promise<InvoiceRecord> {
      return createOneOffInvoice(ctx, input);
    },
  };
}

async function renderFor(ctx: BillingContext, invoice: InvoiceRecord): Promise<Uint8Array> {
  if (invoice.status === 'draft') {
    throw new BillingError(
      'invalid_state',
      `Invoice ${invoice.stripeInvoiceId} is a draft; its PDF exists once it is finalized.`,
    );
  }
  const customer = await buyerAsInvoiced(ctx, invoice);
  const document = buildInvoiceDocument({
    invoice,
    customer,
    brand: ctx.brand,
    tax: {
      kind: ctx.tax.kind,
      registration: ctx.tax.registration,
      pricesIncludeTax: ctx.tax.pricesIncludeTax,
    },
  });
  return renderInvoicePdf(document, ctx.brand);
}

/** The file name customers see: `invoice-<number>.pdf`. */
export function invoiceFileName(invoice: Pick<InvoiceRecord, 'number' | 'stripeInvoiceId'>): string {
  const name = (invoice.number ?? invoice.stripeInvoiceId).replace(/[^\w.-]+/g, '-');
  return `invoice-${name}.pdf`;
}

/** Receipts carry the invoice PDF; other notifications carry nothing. */
export function attachmentsFor(ctx: BillingContext) {
  return async (message: OutboxMessageRecord): Promise<Attachment[]> => {
    if (message.kind !== 'receipt' || typeof message.data.invoiceId !== 'string') return [];
    const invoice = await ctx.store.invoices.findByStripeId(message.data.invoiceId);
    if (!invoice || invoice.status === 'draft') return [];
    return [
      {
        filename: invoiceFileName(invoice),
        contentType: 'application/pdf',
        content: await renderFor(ctx, invoice),
      },
    ];
  };
}

/**
 * The buyer as the invoice was issued to them. Stripe freezes the customer's name, email, address
 * and tax ids on an invoice when it is finalized, so a tax invoice printed later states the facts
 * as at issue (a customer who moved abroad does not turn an old GST invoice into an export).
 */
async function buyerAsInvoiced(ctx: BillingContext, invoice: InvoiceRecord): Promise<CustomerRecord | null> {
  const current = await ctx.store.customers.findByStripeId(invoice.stripeCustomerId);
  const issued = await ctx.gateway.call('invoices.retrieve', (stripe) =>
    stripe.invoices.retrieve(invoice.stripeInvoiceId),
  );
  const taxId =
    (issued.customer_tax_ids ?? []).find((t) => t.type === 'au_abn') ?? issued.customer_tax_ids?.[0];
  const base: CustomerRecord = current ?? {
    userId: invoice.userId ?? '',
    stripeCustomerId: invoice.stripeCustomerId,
    email: null,
    name: null,
    address: null,
    taxId: null,
    currency: invoice.currency,
    balance: 0,
    defaultPaymentMethodId: null,
    deleted: false,
    createdAt: invoice.createdAt,
    updatedAt: invoice.createdAt,
    watermark: 0,
    version: 0,
  };
  return {
    ...base,
    name: issued.customer_name ?? null,
    email: issued.customer_email ?? null,
    address: addressFromStripe(issued.customer_address),
    taxId: taxId ? { type: taxId.type, value: taxId.value ?? '' } : null,
  };
}
