// Invoices: building lines with tax (inclusive or exclusive tax rates) and discounts, totals the
// way Stripe computes them, numbering and finalization, and the customer balance applied to them.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { recordCustomerBalanceChange } from '../resources/customer-balance-transactions.js';
import { decimal, idOf } from '../resources/shared.js';
import { createPaymentIntent } from './payments.js';

export interface LineInput {
  amount: number;
  description: string;
  period: { start: number; end: number };
  quantity: number;
  price?: Stripe.Price | null;
  proration: boolean;
  taxRates: Stripe.TaxRate[];
  discountable?: boolean;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoiceItem?: string | null;
  metadata?: Record<string, string>;
}

export interface NewInvoice {
  customer: Stripe.Customer;
  currency: string;
  subscription?: Stripe.Subscription | null;
  billingReason: Stripe.Invoice.BillingReason;
  collectionMethod?: Stripe.Invoice.CollectionMethod;
  daysUntilDue?: number | null;
  autoAdvance?: boolean;
  description?: string | null;
  metadata?: Record<string, string>;
  defaultTaxRates?: Stripe.TaxRate[];
  discounts?: string[];
  /**
   * The invoice's own `period_start` / `period_end`: when its invoice items could be added, NOT
   * the service period (each line carries that). A renewal looks back over the period that just
   * ended. @default the moment of creation, as on invoices made by a request
   */
  period?: { start: number; end: number };
  prorationDate?: number;
  domain: string | null;
  /** Draft invoices Stripe finalizes by itself after about an hour (renewals). */
  finalizesAt?: number | null;
}

/** Builds a draft invoice with its lines and totals. `store` false gives a preview that nothing keeps. */
export function buildInvoice(
  sim: SimContext,
  input: NewInvoice,
  lines: LineInput[],
  store = true,
): Stripe.Invoice {
  const now = sim.now(input.domain);
  const id = store ? newId('in') : `upcoming_${newId('in')}`;
  const customer = input.customer;
  const invoice: Stripe.Invoice = {
    id,
    object: 'invoice',
    account_country: sim.config.account.country,
    account_name: sim.config.account.name,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance ?? true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: input.finalizesAt ?? null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod ?? 'charge_automatically',
    confirmation_secret: null,
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ? structuredClone(customer.address) : null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ? structuredClone(customer.shipping) : null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: (customer.tax_ids?.data ?? []).map((t) => ({ type: t.type, value: t.value })),
    default_payment_method: null,
    default_source: null,
    default_tax_rates: input.defaultTaxRates ?? [],
    description: input.description ?? null,
    discounts: input.discounts ?? [],
    due_date: input.collectionMethod === 'send_invoice' ? now + (input.daysUntilDue ?? 30) * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: customer.invoice_settings.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: input.subscription
      ? {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: {
            metadata: structuredClone(input.subscription.metadata),
            subscription: input.subscription.id,
            ...(input.prorationDate ? { subscription_proration_date: input.prorationDate } : {}),
          },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: input.period?.end ?? now,
    period_start: input.period?.start ?? now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: {
      amount_tax_display: null,
      pdf: { page_size: 'auto' },
      template: null,
      template_version: null,
    },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: customer.balance,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: input.domain,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: store ? null : null,
  };
  invoice.lines.data = lines.map((line) => buildLine(sim, invoice, line, input.defaultTaxRates ?? []));
  computeTotals(sim, invoice);
  if (store) {
    sim.store.insert(invoice);
    for (const line of lines) {
      if (line.invoiceItem) {
        const item = sim.store.find<Stripe.InvoiceItem>(line.invoiceItem);
        if (item) item.invoice = invoice.id;
      }
    }
  }
  return invoice;
}

function buildLine(
  sim: SimContext,
  invoice: Stripe.Invoice,
  line: LineInput,
  defaultTaxRates: Stripe.TaxRate[],
): Stripe.InvoiceLineItem {
  const taxRates = line.taxRates.length > 0 ? line.taxRates : defaultTaxRates;
  const id = newId('il');
  const item: Stripe.InvoiceLineItem = {
    id,
    object: 'line_item',
    amount: line.amount,
    currency: invoice.currency,
    description: line.description,
    discount_amounts: [],
    discountable: line.discountable ?? !line.proration,
    discounts: [],
    invoice: invoice.id,
    livemode: false,
    metadata: line.metadata ?? {},
    parent: line.subscriptionItem
      ? {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: line.invoiceItem ?? null,
            proration: line.proration,
            proration_details: { credited_items: null },
            subscription: line.subscription ?? null,
            subscription_item: line.subscriptionItem,
          },
        }
      : {
          type: 'invoice_item_details',
          subscription_item_details: null,
          invoice_item_details: {
            invoice_item: line.invoiceItem ?? '',
            proration: line.proration,
            proration_details: { credited_items: null },
            subscription: line.subscription ?? null,
          },
        },
    period: { ...line.period },
    pretax_credit_amounts: [],
    pricing: line.price
      ? {
          type: 'price_details',
          price_details: { price: line.price.id, product: idOf(line.price.product as string)! },
          unit_amount_decimal: line.price.unit_amount_decimal ?? decimal(line.price.unit_amount ?? 0),
        }
      : null,
    quantity: line.quantity,
    quantity_decimal: decimal(line.quantity),
    subscription: line.subscription ?? null,
    subtotal: line.amount,
    taxes: [],
  };
  sim.lineTaxRates.set(item, taxRates);
  return item;
}

/**
 * Totals as Stripe computes them: discounts off the discountable lines, then tax per line on what
 * is left (inclusive rates are already inside the amount; exclusive rates add to it).
 */
export function computeTotals(sim: SimContext, invoice: Stripe.Invoice): void {
  const lines = invoice.lines.data;
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const discountPlan = discountsFor(sim, invoice, lines);
  const totalTaxes = new Map<string, Stripe.Invoice.TotalTax>();
  let inclusiveTax = 0;
  let inclusiveTaxUndiscounted = 0;
  let exclusiveTax = 0;
  for (const line of lines) {
    const lineDiscount = discountPlan.perLine.get(line.id) ?? 0;
    line.discount_amounts =
      discountPlan.discountId && lineDiscount > 0
        ? [{ amount: lineDiscount, discount: discountPlan.discountId }]
        : [];
    const net = line.amount - lineDiscount;
    const rates = sim.lineTaxRates.get(line) ?? [];
    line.taxes = rates.map((rate) => {
      const inclusive = rate.inclusive;
      const amount = inclusive
        ? Math.round((net * rate.percentage) / (100 + rate.percentage))
        : Math.round((net * rate.percentage) / 100);
      if (inclusive) {
        inclusiveTax += amount;
        inclusiveTaxUndiscounted += Math.round((line.amount * rate.percentage) / (100 + rate.percentage));
      } else exclusiveTax += amount;
      const taxable = inclusive ? net - amount : net;
      const key = `${rate.id}:${inclusive}`;
      const total = totalTaxes.get(key);
      if (total) {
        total.amount += amount;
        total.taxable_amount = (total.taxable_amount ?? 0) + taxable;
      } else {
        totalTaxes.set(key, {
          amount,
          tax_behavior: inclusive ? 'inclusive' : 'exclusive',
          tax_rate_details: { tax_rate: rate.id },
          taxability_reason: 'standard_rated',
          taxable_amount: taxable,
          type: 'tax_rate_details',
        });
      }
      return {
        amount,
        tax_behavior: inclusive ? 'inclusive' : 'exclusive',
        tax_rate_details: { tax_rate: rate.id },
        taxability_reason: 'standard_rated',
        taxable_amount: taxable,
        type: 'tax_rate_details',
      } satisfies Stripe.InvoiceLineItem.Tax;
    });
  }
  const discountTotal = discountPlan.total;
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal - inclusiveTaxUndiscounted;
  invoice.total_discount_amounts = discountPlan.discountId
    ? [{ amount: discountTotal, discount: discountPlan.discountId }]
    : [];
  invoice.total_excluding_tax = subtotal - discountTotal - inclusiveTax;
  invoice.total = subtotal - discountTotal + exclusiveTax;
  invoice.total_taxes = [...totalTaxes.values()];
  if (invoice.status === 'draft') {
    const balance = invoice.starting_balance;
    invoice.amount_due = amountDueAfterBalance(invoice.total, balance);
    invoice.amount_remaining = invoice.amount_due - invoice.amount_paid;
  }
}

function amountDueAfterBalance(total: number, balance: number): number {
  if (total <= 0) return 0;
  return Math.max(0, total + balance);
}

/** The one discount an invoice carries (subscription's first, else the customer's), spread over lines. */
function discountsFor(
  sim: SimContext,
  invoice: Stripe.Invoice,
  lines: Stripe.InvoiceLineItem[],
): { discountId: string | null; total: number; perLine: Map<string, number> } {
  const perLine = new Map<string, number>();
  const discountId = (invoice.discounts[0] as string | undefined) ?? null;
  if (!discountId) return { discountId: null, total: 0, perLine };
  const discount = sim.store.find<Stripe.Discount>(discountId);
  const coupon = discount?.source?.coupon
    ? sim.store.find<Stripe.Coupon>(idOf(discount.source.coupon as string)!)
    : undefined;
  if (!coupon) return { discountId: null, total: 0, perLine };
  const discountable = lines.filter((l) => l.discountable && l.amount > 0);
  const base = discountable.reduce((sum, l) => sum + l.amount, 0);
  if (base <= 0) return { discountId, total: 0, perLine };
  const total = coupon.percent_off
    ? Math.round((base * coupon.percent_off) / 100)
    : Math.min(base, coupon.amount_off ?? 0);
  let allocated = 0;
  discountable.forEach((line, index) => {
    const share =
      index === discountable.length - 1 ? total - allocated : Math.round((total * line.amount) / base);
    allocated += share;
    perLine.set(line.id, share);
  });
  return { discountId, total, perLine };
}

/**
 * Finalizes a draft: number, customer balance applied, and (when something is due) the
 * PaymentIntent that collects it. Sends invoice.finalized.
 */
export function finalizeInvoice(sim: SimContext, invoice: Stripe.Invoice, domain: string | null): void {
  const customer = sim.store.get<Stripe.Customer>('customer', idOf(invoice.customer as string)!);
  computeTotals(sim, invoice);
  const now = sim.now(domain);
  const before = structuredClone(invoice);
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  invoice.number = `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`;
  applyCustomerBalance(sim, invoice, customer, domain);
  invoice.status = 'open';
  invoice.status_transitions.finalized_at = now;
  invoice.effective_at = now;
  invoice.automatically_finalizes_at = null;
  invoice.hosted_invoice_url = `${sim.config.publicUrl}/invoices/${invoice.id}`;
  invoice.invoice_pdf = `${sim.config.publicUrl}/invoices/${invoice.id}/pdf`;
  invoice.webhooks_delivered_at = now;
  if (invoice.amount_due > 0) {
    const subscription = invoice.parent?.subscription_details?.subscription;
    const pi = createPaymentIntent(sim, {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: customer.id,
      paymentMethod: null,
      description: subscription ? 'Subscription update' : `Invoice ${invoice.number}`,
      setupFutureUsage: subscription ? 'off_session' : null,
      domain,
    });
    sim.invoiceOfPaymentIntent.set(pi.id, invoice.id);
    invoice.confirmation_secret = { client_secret: pi.client_secret!, type: 'payment_intent' };
    const payment: Stripe.InvoicePayment = {
      id: newId('inpay'),
      object: 'invoice_payment',
      amount_paid: null,
      amount_requested: invoice.amount_due,
      created: now,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: pi.id },
      status: 'open',
      status_transitions: { canceled_at: null, paid_at: null },
    };
    sim.store.insert(payment);
    invoice.payments = {
      object: 'list',
      data: [payment],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${invoice.id}`,
    };
  }
  sim.emit('invoice.finalized', invoice, { status: before.status, number: null }, domain);
  if (invoice.amount_due === 0) markInvoicePaid(sim, invoice, domain, null);
}

function applyCustomerBalance(
  sim: SimContext,
  invoice: Stripe.Invoice,
  customer: Stripe.Customer,
  domain: string | null,
): void {
  const balance = customer.balance;
  invoice.starting_balance = balance;
  if (invoice.total < 0) {
    // A credit (a downgrade's proration): it goes to the customer's balance.
    invoice.amount_due = 0;
    invoice.ending_balance = balance + invoice.total;
    recordCustomerBalanceChange(sim, customer, {
      amount: invoice.total,
      currency: invoice.currency,
      type: 'applied_to_invoice',
      invoice: invoice.id,
      description: null,
      domain,
    });
  } else if (balance !== 0 && invoice.total > 0) {
    const due = amountDueAfterBalance(invoice.total, balance);
    const applied = due - invoice.total;
    invoice.amount_due = due;
    invoice.ending_balance = balance - applied;
    recordCustomerBalanceChange(sim, customer, {
      amount: -applied,
      currency: invoice.currency,
      type: 'applied_to_invoice',
      invoice: invoice.id,
      description: null,
      domain,
    });
  } else {
    invoice.amount_due = Math.max(0, invoice.total);
    invoice.ending_balance = balance;
  }
  invoice.amount_remaining = invoice.amount_due;
}

/** Marks an open invoice paid (by a charge, or nothing due) and sends Stripe's paid events. */
export function markInvoicePaid(
  sim: SimContext,
  invoice: Stripe.Invoice,
  domain: string | null,
  paymentIntent: Stripe.PaymentIntent | null,
): void {
  const now = sim.now(domain);
  const before = structuredClone(invoice);
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status_transitions.paid_at = now;
  invoice.next_payment_attempt = null;
  invoice.attempted = invoice.attempted || paymentIntent !== null;
  sim.dunning.delete(invoice.id);
  for (const payment of invoice.payments?.data ?? []) {
    const stored = sim.store.find<Stripe.InvoicePayment>(payment.id) ?? payment;
    if (paymentIntent && payment.payment.payment_intent !== paymentIntent.id) continue;
    stored.status = 'paid';
    stored.amount_paid = invoice.amount_due;
    stored.status_transitions.paid_at = now;
    Object.assign(payment, structuredClone(stored));
    sim.emit('invoice_payment.paid', stored, undefined, domain);
  }
  const changes = {
    status: before.status,
    amount_paid: before.amount_paid,
    amount_remaining: before.amount_remaining,
  };
  sim.emit('invoice.paid', invoice, changes, domain);
  sim.emit('invoice.payment_succeeded', invoice, changes, domain);
}

/** Lines of an invoice, for `/v1/invoices/:id/lines`. */
export function linesOf(invoice: Stripe.Invoice): Stripe.InvoiceLineItem[] {
  return invoice.lines.data;
}
