// The analytics as an accountant would work them out by hand: from Stripe's events (and the objects
// in them, plus balance transactions and invoice payments read through the Stripe client), never
// from Billkit's store or code. The admin's figures are checked against these, to the cent.
//
// Definitions (integer minor units, GST excluded unless said; "before T" is strictly before; a
// range is [from, to); months are UTC calendar months; rounding is half up):
// - A subscription's MRR: 0 unless `active` or `past_due`; else Σ unit_amount × quantity per month
//   (year ÷ 12, week × 52 ÷ 12, day × 365 ÷ 12), less the GST in it when its default tax rate is
//   inclusive. Each change of it (customer.subscription.* events, in order) is a movement at the
//   event's `created`, classified by the customer's total: 0 → >0 is `new` the first time, else
//   `reactivation`; up is `expansion`; down but > 0 `contraction`; to 0 `churn`.
// - GST share of an amount paid on an invoice: tax × amount ÷ total; a refund's GST telescopes:
//   share(refunded so far, this one included) − share(refunded before it).

import type Stripe from 'stripe';

export type MovementKind = 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation';

export interface Movement {
  at: number;
  customer: string;
  subscription: string;
  kind: MovementKind;
  /** The subscription's MRR after. */
  mrr: number;
  /** The subscription's MRR after, minus before. */
  delta: number;
  /** The customer's MRR (all subscriptions) after. */
  customerMrr: number;
}

interface PaidInvoice {
  id: string;
  customer: string;
  paidAt: number;
  amountPaid: number;
  tax: number;
  total: number;
  /** amountPaid less its GST share. */
  net: number;
  gst: number;
  serviceStart: number;
  serviceEnd: number;
}

interface RefundFact {
  id: string;
  invoice: string | null;
  created: number;
  amount: number;
  /** The GST in it (telescoped over the invoice's refunds in creation order). */
  gst: number;
}

interface ChargeFact {
  id: string;
  created: number;
  status: string;
  amount: number;
  fee: number;
  invoice: string | null;
}

/** Everything read from the events once; the figures for any range are computed from it. */
export interface History {
  currency: string;
  movements: Movement[];
  paidInvoices: PaidInvoice[];
  refunds: RefundFact[];
  charges: ChargeFact[];
  /** Per invoice with a failed charge: the first failure, and when it was paid (null if never). */
  failedInvoices: Array<{ invoice: string; firstFailure: number; paidAt: number | null }>;
  trials: Array<{ subscription: string; trialStart: number; trialEnd: number }>;
  disputes: Array<{ id: string; created: number; amount: number; status: string }>;
}

/** The comment Billkit leaves on a subscription whose first payment was declined at signup. */
export const ABANDONED_AT_SIGNUP = 'billkit: first payment declined at signup';

const DAY = 86_400;

/** round(n ÷ d), half up, for n ≥ 0 and d > 0, in integers. */
export function divideHalfUp(n: number, d: number): number {
  if (n < 0) return -divideHalfUp(-n, d);
  return Math.floor((2 * n + d) / (2 * d));
}

/** The GST in `amount` paid on an invoice of `total` carrying `tax`. */
export function gstShareOf(tax: number, total: number, amount: number): number {
  if (total <= 0 || tax <= 0 || amount <= 0) return 0;
  return divideHalfUp(tax * Math.min(amount, total), total);
}

/** A subscription's MRR, from the Stripe object alone. */
export function subscriptionMrr(subscription: Stripe.Subscription): number {
  if (subscription.status !== 'active' && subscription.status !== 'past_due') return 0;
  let gross = 0;
  for (const item of subscription.items.data) {
    const { price } = item;
    const recurring = price.recurring;
    if (!recurring || price.unit_amount === null)
      throw new Error(`price ${price.id} is not a fixed recurring price`);
    if (recurring.interval_count !== 1)
      throw new Error(`interval_count ${recurring.interval_count} is not covered`);
    const amount = price.unit_amount * (item.quantity ?? 1);
    gross +=
      recurring.interval === 'month'
        ? amount
        : recurring.interval === 'year'
          ? divideHalfUp(amount, 12)
          : recurring.interval === 'week'
            ? divideHalfUp(amount * 52, 12)
            : divideHalfUp(amount * 365, 12);
  }
  const inclusive = (subscription.default_tax_rates ?? []).find((rate) => rate.inclusive);
  if (!inclusive) return gross;
  // Percentages such as 7.5 stay exact in thousandths.
  const p = Math.round(inclusive.percentage * 1000);
  return gross - divideHalfUp(gross * p, 100_000 + p);
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id;

function movementsFrom(events: Stripe.Event[], currency: string): Movement[] {
  const bySubscription = new Map<string, number>();
  const byCustomer = new Map<string, Map<string, number>>();
  const everPaid = new Set<string>();
  const movements: Movement[] = [];
  for (const event of events) {
    if (!event.type.startsWith('customer.subscription.')) continue;
    if (!['created', 'updated', 'deleted'].includes(event.type.slice('customer.subscription.'.length)))
      continue;
    const subscription = event.data.object as Stripe.Subscription;
    if (subscription.currency !== currency) continue;
    const customer = idOf(subscription.customer)!;
    const after = subscriptionMrr(subscription);
    const before = bySubscription.get(subscription.id) ?? 0;
    if (after === before) continue;
    bySubscription.set(subscription.id, after);
    const subs = byCustomer.get(customer) ?? new Map<string, number>();
    byCustomer.set(customer, subs);
    const customerBefore = [...subs.values()].reduce((sum, v) => sum + v, 0);
    subs.set(subscription.id, after);
    const customerAfter = customerBefore - before + after;
    let kind: MovementKind;
    if (customerAfter === 0) kind = 'churn';
    else if (customerBefore === 0) kind = everPaid.has(customer) ? 'reactivation' : 'new';
    else kind = customerAfter > customerBefore ? 'expansion' : 'contraction';
    if (customerAfter > 0) everPaid.add(customer);
    movements.push({
      at: event.created,
      customer,
      subscription: subscription.id,
      kind,
      mrr: after,
      delta: after - before,
      customerMrr: customerAfter,
    });
  }
  return movements;
}

/** The newest object of each id among events whose type starts with `prefix`. */
function latestObjects<T extends { id: string }>(events: Stripe.Event[], prefix: string[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const event of events) {
    if (!prefix.some((p) => event.type.startsWith(p))) continue;
    const object = event.data.object as unknown as T & { object: string };
    latest.set(object.id, object);
  }
  return latest;
}

/** Reads the events once (and what they point at through `stripe`): see History. */
export async function readHistory(
  events: Stripe.Event[],
  options: { currency: string; stripe: Stripe },
): Promise<History> {
  const { currency, stripe } = options;
  const movements = movementsFrom(events, currency);

  const invoices = [...latestObjects<Stripe.Invoice>(events, ['invoice.']).values()].filter(
    (invoice) => invoice.object === 'invoice' && invoice.currency === currency,
  );
  const invoiceById = new Map(invoices.map((invoice) => [invoice.id, invoice]));
  const paidInvoices: PaidInvoice[] = [];
  for (const invoice of invoices) {
    const paidAt = invoice.status_transitions.paid_at;
    if (invoice.status !== 'paid' || paidAt === null || invoice.amount_paid <= 0) continue;
    if (invoice.lines.has_more)
      throw new Error(`invoice ${invoice.id} has more lines than the event carries`);
    const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
    const gst = gstShareOf(tax, invoice.total, invoice.amount_paid);
    const lines = invoice.lines.data;
    paidInvoices.push({
      id: invoice.id,
      customer: idOf(invoice.customer)!,
      paidAt,
      amountPaid: invoice.amount_paid,
      tax,
      total: invoice.total,
      net: invoice.amount_paid - gst,
      gst,
      serviceStart: lines.length ? Math.min(...lines.map((l) => l.period.start)) : invoice.period_start,
      serviceEnd: lines.length ? Math.max(...lines.map((l) => l.period.end)) : invoice.period_end,
    });
  }

  const chargeObjects = [...latestObjects<Stripe.Charge>(events, ['charge.']).values()].filter(
    (charge) => charge.object === 'charge' && charge.currency === currency,
  );
  // Which invoice a payment intent paid: Stripe's invoice payments (charges do not name it).
  const invoiceOfIntent = new Map<string, string | null>();
  const invoiceOf = async (paymentIntent: string | null): Promise<string | null> => {
    if (!paymentIntent) return null;
    if (!invoiceOfIntent.has(paymentIntent)) {
      const found = await stripe.invoicePayments.list({
        payment: { type: 'payment_intent', payment_intent: paymentIntent },
        limit: 1,
      });
      invoiceOfIntent.set(paymentIntent, idOf(found.data[0]?.invoice as string | undefined));
    }
    return invoiceOfIntent.get(paymentIntent)!;
  };
  const charges: ChargeFact[] = [];
  for (const charge of chargeObjects) {
    const txn = idOf(charge.balance_transaction as string | null);
    const fee =
      charge.status === 'succeeded' && txn ? (await stripe.balanceTransactions.retrieve(txn)).fee : 0;
    const needsInvoice = charge.status === 'failed' || charge.amount_refunded > 0;
    charges.push({
      id: charge.id,
      created: charge.created,
      status: charge.status,
      amount: charge.amount,
      fee,
      invoice: needsInvoice ? await invoiceOf(idOf(charge.payment_intent as string | null)) : null,
    });
  }
  const chargeById = new Map(charges.map((charge) => [charge.id, charge]));

  const failures = new Map<string, number>();
  for (const charge of charges) {
    if (charge.status !== 'failed' || !charge.invoice) continue;
    failures.set(charge.invoice, Math.min(failures.get(charge.invoice) ?? Infinity, charge.created));
  }
  const failedInvoices = [...failures].map(([invoice, firstFailure]) => {
    const object = invoiceById.get(invoice);
    const paid = object?.status === 'paid' ? object.status_transitions.paid_at : null;
    return { invoice, firstFailure, paidAt: paid ?? null };
  });

  const refundObjects = [...latestObjects<Stripe.Refund>(events, ['refund.', 'charge.refund.']).values()]
    .filter((refund) => refund.object === 'refund' && refund.currency === currency)
    .filter((refund) => refund.status !== 'failed' && refund.status !== 'canceled')
    .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  const refundedSoFar = new Map<string, number>();
  const refunds: RefundFact[] = refundObjects.map((refund) => {
    const invoice = chargeById.get(idOf(refund.charge as string | null) ?? '')?.invoice ?? null;
    const object = invoice ? invoiceById.get(invoice) : undefined;
    let gst = 0;
    if (invoice && object) {
      const tax = (object.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
      const before = refundedSoFar.get(invoice) ?? 0;
      gst = gstShareOf(tax, object.total, before + refund.amount) - gstShareOf(tax, object.total, before);
      refundedSoFar.set(invoice, before + refund.amount);
    }
    return { id: refund.id, invoice, created: refund.created, amount: refund.amount, gst };
  });

  const subscriptions = latestObjects<Stripe.Subscription>(events, ['customer.subscription.']);
  const trials = [...subscriptions.values()]
    .filter((s) => s.currency === currency && s.trial_start !== null && s.trial_end !== null)
    .map((s) => ({ subscription: s.id, trialStart: s.trial_start!, trialEnd: s.trial_end! }));

  const disputes = [...latestObjects<Stripe.Dispute>(events, ['charge.dispute.']).values()]
    .filter((d) => d.object === 'dispute' && d.currency === currency)
    .map((d) => ({ id: d.id, created: d.created, amount: d.amount, status: d.status }));

  return { currency, movements, paidInvoices, refunds, charges, failedInvoices, trials, disputes };
}

// ---------------------------------------------------------------------------------------------
// Figures for a range

const unix = (date: Date) => date.getTime() / 1000;
const inRange = (at: number, from: number, to: number) => at >= from && at < to;
const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** MRR and paying customers just before `at`. */
export function mrrAt(history: History, at: number): { mrr: number; customers: number } {
  const byCustomer = new Map<string, number>();
  let mrr = 0;
  for (const movement of history.movements) {
    if (movement.at >= at) continue;
    mrr += movement.delta;
    byCustomer.set(movement.customer, (byCustomer.get(movement.customer) ?? 0) + movement.delta);
  }
  return { mrr, customers: [...byCustomer.values()].filter((v) => v > 0).length };
}

/** The UTC calendar months overlapping [from, to), each clipped to the range. */
export function monthsOf(from: Date, to: Date): Array<{ month: string; from: number; to: number }> {
  const months: Array<{ month: string; from: number; to: number }> = [];
  let cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (cursor < to) {
    const next = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1));
    months.push({
      month: `${cursor.getUTCFullYear()}-${String(cursor.getUTCMonth() + 1).padStart(2, '0')}`,
      from: Math.max(unix(cursor), unix(from)),
      to: Math.min(unix(next), unix(to)),
    });
    cursor = next;
  }
  return months;
}

export interface ExpectedMonth {
  month: string;
  new: number;
  expansion: number;
  contraction: number;
  churned: number;
  reactivated: number;
  netNew: number;
  mrr: number;
  customers: number;
  churnedCustomers: number;
  churnRate: number | null;
  /** Not in the admin's row: MRR and paying customers at the month's start. */
  startMrr: number;
  startCustomers: number;
}

export interface ExpectedMetrics {
  mrr: number;
  arr: number;
  payingCustomers: number;
  movements: ExpectedMonth[];
  churnRate: number | null;
  revenueChurnRate: number | null;
  arpu: number;
  ltv: number | null;
  trialConversion: { ended: number; converted: number; rate: number | null };
  paymentSuccessRate: number | null;
  payments: { succeeded: number; failed: number };
  recoveryRate: number | null;
  recovery: { failedInvoices: number; recovered: number; recoverySeconds: number };
  averageHoursToRecover: number | null;
  /** Refunds created in the range: amount GST included, and the GST in it. */
  refunds: { count: number; amount: number; gst: number };
  disputes: { count: number; amount: number; lost: number; lostAmount: number };
  revenue: number;
  fees: number;
  /** revenue − (refunds − their GST) − fees. */
  net: number;
}

export function expectedMetrics(history: History, range: { from: Date; to: Date }): ExpectedMetrics {
  const from = unix(range.from);
  const to = unix(range.to);
  const months = monthsOf(range.from, range.to).map((m): ExpectedMonth => {
    const sum = (kind: MovementKind) =>
      history.movements
        .filter((x) => x.kind === kind && inRange(x.at, m.from, m.to))
        .reduce((s, x) => s + x.delta, 0);
    const start = mrrAt(history, m.from);
    const end = mrrAt(history, m.to);
    const churnedCustomers = history.movements.filter(
      (x) => x.kind === 'churn' && inRange(x.at, m.from, m.to),
    ).length;
    const row = {
      new: sum('new'),
      expansion: sum('expansion'),
      contraction: sum('contraction'),
      churned: sum('churn'),
      reactivated: sum('reactivation'),
    };
    return {
      month: m.month,
      ...row,
      netNew: row.new + row.expansion + row.contraction + row.churned + row.reactivated,
      mrr: end.mrr,
      customers: end.customers,
      churnedCustomers,
      churnRate: ratio(churnedCustomers, start.customers),
      startMrr: start.mrr,
      startCustomers: start.customers,
    };
  });
  const now = mrrAt(history, to);
  const churnRate = ratio(
    months.reduce((s, m) => s + m.churnedCustomers, 0),
    months.reduce((s, m) => s + m.startCustomers, 0),
  );
  const revenueChurnRate = ratio(
    months.reduce((s, m) => s + Math.abs(m.churned + m.contraction), 0),
    months.reduce((s, m) => s + m.startMrr, 0),
  );
  const arpu = now.customers === 0 ? 0 : divideHalfUp(now.mrr, now.customers);
  const ltv = churnRate === null || churnRate === 0 ? null : Math.round(arpu / churnRate);

  const ended = history.trials.filter((t) => inRange(t.trialEnd, from, to));
  const converted = ended.filter((t) =>
    history.movements.some((m) => m.subscription === t.subscription && m.delta > 0 && m.at >= t.trialStart),
  ).length;

  const charges = history.charges.filter((c) => inRange(c.created, from, to));
  const succeeded = charges.filter((c) => c.status === 'succeeded');
  const failed = charges.filter((c) => c.status === 'failed');

  const failedInvoices = history.failedInvoices.filter((f) => inRange(f.firstFailure, from, to));
  const recovered = failedInvoices.filter((f) => f.paidAt !== null);
  const recoverySeconds = recovered.reduce((s, f) => s + (f.paidAt! - f.firstFailure), 0);

  const refunds = history.refunds.filter((r) => inRange(r.created, from, to));
  const refundAmount = refunds.reduce((s, r) => s + r.amount, 0);
  const refundGst = refunds.reduce((s, r) => s + r.gst, 0);
  const revenue = history.paidInvoices
    .filter((i) => inRange(i.paidAt, from, to))
    .reduce((s, i) => s + i.net, 0);
  const fees = succeeded.reduce((s, c) => s + c.fee, 0);
  const disputes = history.disputes.filter((d) => inRange(d.created, from, to));
  const lost = disputes.filter((d) => d.status === 'lost');

  return {
    mrr: now.mrr,
    arr: now.mrr * 12,
    payingCustomers: now.customers,
    movements: months,
    churnRate,
    revenueChurnRate,
    arpu,
    ltv,
    trialConversion: { ended: ended.length, converted, rate: ratio(converted, ended.length) },
    paymentSuccessRate: ratio(succeeded.length, succeeded.length + failed.length),
    payments: { succeeded: succeeded.length, failed: failed.length },
    recoveryRate: ratio(recovered.length, failedInvoices.length),
    recovery: { failedInvoices: failedInvoices.length, recovered: recovered.length, recoverySeconds },
    averageHoursToRecover: recovered.length === 0 ? null : recoverySeconds / recovered.length / 3600,
    refunds: { count: refunds.length, amount: refundAmount, gst: refundGst },
    disputes: {
      count: disputes.length,
      amount: disputes.reduce((s, d) => s + d.amount, 0),
      lost: lost.length,
      lostAmount: lost.reduce((s, d) => s + d.amount, 0),
    },
    revenue,
    fees,
    net: revenue - (refundAmount - refundGst) - fees,
  };
}

export interface RecognitionAt {
  billed: number;
  refunded: number;
  recognized: number;
  deferred: number;
}

/** Revenue earned evenly per whole day of each paid invoice's service period, at instant T. */
export function recognitionAt(history: History, at: number): RecognitionAt {
  const point = { billed: 0, refunded: 0, recognized: 0, deferred: 0 };
  for (const invoice of history.paidInvoices) {
    if (invoice.paidAt >= at) continue;
    const refunded = history.refunds
      .filter((r) => r.invoice === invoice.id && r.created < at)
      .reduce((s, r) => s + (r.amount - r.gst), 0);
    const base = Math.max(0, invoice.net - refunded);
    const days = Math.floor((invoice.serviceEnd - invoice.serviceStart) / DAY);
    const elapsed = Math.min(Math.max(Math.floor((at - invoice.serviceStart) / DAY), 0), days);
    const recognized = days === 0 ? base : Math.floor((base * elapsed) / days);
    point.billed += invoice.net;
    point.refunded += refunded;
    point.recognized += recognized;
    point.deferred += base - recognized;
  }
  return point;
}

export interface ExpectedRecognitionMonth {
  month: string;
  billed: number;
  refunded: number;
  recognized: number;
  deferredBalance: number;
  toDate: { billed: number; refunded: number; recognized: number };
}

export function expectedRecognition(
  history: History,
  range: { from: Date; to: Date },
): ExpectedRecognitionMonth[] {
  const months = monthsOf(range.from, range.to);
  let previous = recognitionAt(history, unix(range.from));
  return months.map((m) => {
    const point = recognitionAt(history, m.to);
    const row = {
      month: m.month,
      billed: point.billed - previous.billed,
      refunded: point.refunded - previous.refunded,
      recognized: point.recognized - previous.recognized,
      deferredBalance: point.deferred,
      toDate: { billed: point.billed, refunded: point.refunded, recognized: point.recognized },
    };
    previous = point;
    return row;
  });
}

export interface ExpectedGstFigures {
  g1TotalSales: number;
  g2Exports: number;
  gstOnSales1A: number;
  refunds: { amount: number; gst: number };
  netSales: number;
  netGst: number;
}

export interface ExpectedGstPeriod extends ExpectedGstFigures {
  period: string;
  from: Date;
  to: Date;
}

/** The GST figures (cash basis) of [from, to). */
export function gstFigures(history: History, from: number, to: number): ExpectedGstFigures {
  const sales = history.paidInvoices.filter((i) => inRange(i.paidAt, from, to));
  const refunds = history.refunds.filter((r) => inRange(r.created, from, to));
  const g1 = sales.reduce((s, i) => s + i.amountPaid, 0);
  const a1 = sales.reduce((s, i) => s + i.gst, 0);
  const refunded = {
    amount: refunds.reduce((s, r) => s + r.amount, 0),
    gst: refunds.reduce((s, r) => s + r.gst, 0),
  };
  return {
    g1TotalSales: g1,
    g2Exports: sales.filter((i) => i.tax === 0).reduce((s, i) => s + i.amountPaid, 0),
    gstOnSales1A: a1,
    refunds: refunded,
    netSales: g1 - refunded.amount,
    netGst: a1 - refunded.gst,
  };
}

/** Quarters (or months) overlapping [from, to), each clipped to the range. */
export function expectedGst(
  history: History,
  range: { from: Date; to: Date; period?: 'quarter' | 'month' },
): { periods: ExpectedGstPeriod[]; totals: ExpectedGstFigures } {
  const periods: ExpectedGstPeriod[] = [];
  const step = range.period === 'month' ? 1 : 3;
  const first = range.from.getUTCMonth() - (range.from.getUTCMonth() % step);
  let cursor = new Date(Date.UTC(range.from.getUTCFullYear(), first, 1));
  while (cursor < range.to) {
    const next = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + step, 1));
    const from = new Date(Math.max(cursor.getTime(), range.from.getTime()));
    const to = new Date(Math.min(next.getTime(), range.to.getTime()));
    const year = cursor.getUTCFullYear();
    const period =
      step === 3
        ? `${year}-Q${Math.floor(cursor.getUTCMonth() / 3) + 1}`
        : `${year}-${String(cursor.getUTCMonth() + 1).padStart(2, '0')}`;
    periods.push({ period, from, to, ...gstFigures(history, unix(from), unix(to)) });
    cursor = next;
  }
  return { periods, totals: gstFigures(history, unix(range.from), unix(range.to)) };
}

export interface Expected {
  metrics: ExpectedMetrics;
  recognition: ExpectedRecognitionMonth[];
  gst: { periods: ExpectedGstPeriod[]; totals: ExpectedGstFigures };
  history: History;
}

/** Every figure the admin reports for [from, to), computed from the events. */
export async function expectedFromEvents(
  events: Stripe.Event[],
  options: { from: Date; to: Date; currency: string; stripe: Stripe },
): Promise<Expected> {
  const history = await readHistory(events, options);
  return {
    metrics: expectedMetrics(history, options),
    recognition: expectedRecognition(history, options),
    gst: expectedGst(history, options),
    history,
  };
}
