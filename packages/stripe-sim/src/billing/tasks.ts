// What falls due as simulated time passes: trial reminders and trial ends, renewals, upcoming
// invoice notices, draft finalization, payment retries, expiry of unpaid first invoices.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import type { DueTask, TaskSource } from '../engine/scheduler.js';
import { resolveDispute } from '../resources/disputes.js';
import { idOf, updateWithEvent } from '../resources/shared.js';
import { attemptInvoicePayment, dueRetries } from './collection.js';
import { buildInvoice } from './invoicing.js';
import {
  currentPeriod,
  discountsForInvoice,
  endSubscription,
  endTrial,
  finalizeAndCollect,
  pendingItemLines,
  periodEndFrom,
  periodLines,
  renewSubscription,
  voidInvoice,
} from './subscription-lifecycle.js';

const TRIAL_WILL_END_NOTICE = 3 * 86_400;
/** Stripe expires a subscription whose first invoice is still unpaid after 23 hours. */
const INCOMPLETE_EXPIRY = 23 * 3600;

export const billingTasks: TaskSource = (sim, domain) => {
  const tasks: DueTask[] = [];
  for (const sub of sim.store.all<Stripe.Subscription>('subscription')) {
    if ((sub.test_clock ?? null) !== domain) continue;
    tasks.push(...subscriptionTasks(sim, sub, domain));
  }
  for (const invoice of sim.store.all<Stripe.Invoice>('invoice')) {
    if ((invoice.test_clock ?? null) !== domain) continue;
    if (invoice.status === 'draft' && invoice.auto_advance && invoice.automatically_finalizes_at !== null) {
      tasks.push({
        at: invoice.automatically_finalizes_at,
        priority: 4,
        run: () => {
          finalizeAndCollect(sim, invoice, domain, true);
        },
      });
    }
  }
  for (const dispute of sim.store.all<Stripe.Dispute>('dispute')) {
    const dueBy = dispute.evidence_details.due_by;
    if (dueBy === null || !['needs_response', 'warning_needs_response'].includes(dispute.status)) continue;
    const charge = sim.store.find<Stripe.Charge>(idOf(dispute.charge as string)!);
    if (sim.domainOfCustomer(idOf(charge?.customer as string | null)) !== domain) continue;
    // Without a response by the deadline, the bank decides for the cardholder.
    tasks.push({ at: dueBy, priority: 5, run: () => void resolveDispute(sim, dispute.id, 'lost') });
  }
  for (const invoice of dueRetries(sim, domain)) {
    tasks.push({
      at: invoice.next_payment_attempt!,
      priority: 6,
      run: () => {
        attemptInvoicePayment(sim, invoice, { offSession: true, domain });
      },
    });
  }
  return tasks;
};

function subscriptionTasks(sim: SimContext, sub: Stripe.Subscription, domain: string | null): DueTask[] {
  const tasks: DueTask[] = [];
  const period = currentPeriod(sub);
  if (sub.status === 'incomplete') {
    tasks.push({
      at: sub.created + INCOMPLETE_EXPIRY,
      priority: 5,
      run: () => expireIncomplete(sim, sub, domain),
    });
    return tasks;
  }
  if (sub.status === 'trialing' && sub.trial_end !== null) {
    const noticeKey = `trial_will_end:${sub.id}:${sub.trial_end}`;
    if (!sim.notices.has(noticeKey)) {
      tasks.push({
        at: Math.max(sub.created, sub.trial_end - TRIAL_WILL_END_NOTICE),
        priority: 1,
        run: () => {
          sim.notices.add(noticeKey);
          sim.emit('customer.subscription.trial_will_end', sub, undefined, domain);
        },
      });
    }
    tasks.push({ at: sub.trial_end, priority: 3, run: () => endTrial(sim, sub, domain) });
    return tasks;
  }
  if (!['active', 'past_due', 'unpaid'].includes(sub.status)) return tasks;
  if (sub.pause_collection?.resumes_at) {
    tasks.push({
      at: sub.pause_collection.resumes_at,
      priority: 2,
      run: () =>
        updateWithEvent(
          sim,
          sub,
          'customer.subscription.updated',
          (s) => {
            s.pause_collection = null;
          },
          domain,
        ),
    });
  }
  if (sub.cancel_at !== null && sub.cancel_at < period.end) {
    tasks.push({
      at: sub.cancel_at,
      priority: 2,
      run: () => endSubscription(sim, sub, { reason: 'cancellation_requested', domain }),
    });
  }
  const upcomingAt = period.end - sim.config.upcomingInvoiceDays * 86_400;
  const upcomingKey = `upcoming:${sub.id}:${period.end}`;
  if (upcomingAt > period.start && !sim.notices.has(upcomingKey) && sub.cancel_at === null) {
    tasks.push({
      at: upcomingAt,
      priority: 1,
      run: () => {
        sim.notices.add(upcomingKey);
        // Stripe documents that the invoice in invoice.upcoming has no id: it does not exist yet.
        const { id: _previewId, ...preview } = upcomingInvoice(sim, sub, domain);
        sim.emit('invoice.upcoming', preview, undefined, domain);
      },
    });
  }
  tasks.push({ at: period.end, priority: 3, run: () => renewSubscription(sim, sub, domain) });
  return tasks;
}

function expireIncomplete(sim: SimContext, sub: Stripe.Subscription, domain: string | null): void {
  const invoice = sub.latest_invoice
    ? sim.store.find<Stripe.Invoice>(idOf(sub.latest_invoice as string)!)
    : undefined;
  if (invoice && invoice.status === 'open') voidInvoice(sim, invoice, domain);
  updateWithEvent(
    sim,
    sub,
    'customer.subscription.updated',
    (s) => {
      s.status = 'incomplete_expired';
      s.ended_at = sim.now(domain);
    },
    domain,
  );
}

/** The invoice the next renewal will make, as `invoice.upcoming` carries it (it has no real id). */
export function upcomingInvoice(
  sim: SimContext,
  sub: Stripe.Subscription,
  domain: string | null,
): Stripe.Invoice {
  const customer = sim.store.get<Stripe.Customer>('customer', idOf(sub.customer as string)!);
  const period = currentPeriod(sub);
  const next = {
    start: period.end,
    end: periodEndFrom(sub.billing_cycle_anchor, period.end, sub.items.data[0]!.price),
  };
  return buildInvoice(
    sim,
    {
      customer,
      currency: sub.currency,
      subscription: sub,
      billingReason: 'upcoming',
      collectionMethod: sub.collection_method,
      defaultTaxRates: sub.default_tax_rates ?? [],
      discounts: discountsForInvoice(sim, sub, next.start, false),
      // Stripe: a subscription invoice's own period looks back one period; the lines bill `next`.
      period,
      domain,
    },
    [...periodLines(sim, sub, sub.items.data, next), ...pendingItemLines(sim, customer.id, sub.id)],
    false,
  );
}
