// One customer for an operator: who they are (with a link to Stripe's dashboard), their plan and
// balance, the actions an operator may take (each behind a confirm dialog), their invoices with the
// actions on each, and a timeline of everything that happened to them, newest first.

import type { PlanJson, PlansResponse } from '@billkit/server/contract';
import { type ReactNode, useId, useMemo, useState } from 'react';
import { LiveStatus } from '../../ui/live-status.js';
import { sectionClass } from '../../ui/section-class.js';
import { StatusBadge } from '../../ui/status-badge.js';
import { SubscriptionBadge } from '../customers/customer-table.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { invoiceTone } from '../ui/status-tones.js';
import { type AdminActionState, useAdminAction } from '../ui/use-admin-action.js';
import type { CustomerDetailJson, InvoiceRecordJson, SubscriptionRecordJson } from '../wire.js';
import { CustomerActionDialog, type OpenAction, planName } from './customer-action-dialogs.js';
import { buildTimeline } from './customer-timeline.js';
import { currentSubscription, useCustomerDetail } from './use-customer-detail.js';

export interface CustomerDetailProps {
  /** The host's user id or the Stripe customer id (cus_...). */
  customerId: string;
  /**
   * The catalog's plans for "Change plan". By default they are read from the portal's `GET /plans`;
   * when that fails, the dialog asks for a plan id.
   */
  plans?: PlanJson[];
  /** Shows a "Back to customers" link to this address. */
  backHref?: string;
  /** Shows a "Back to customers" button (or, with `backHref`, handles a plain click on the link). */
  onBack?(): void;
  /**
   * Timeline entries shown before "Show more".
   * @default 25
   */
  timelineLimit?: number;
  className?: string;
}

/** A customer's account, actions, invoices and timeline. */
export function CustomerDetail(props: CustomerDetailProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.detail;
  const headingId = useId();
  const query = useCustomerDetail(props.customerId);
  const action = useAdminAction();
  const plans = usePlanOptions(props.plans);
  const [open, setOpen] = useState<OpenAction | null>(null);
  const detail = query.detail;
  const subscription = detail ? currentSubscription(detail) : null;
  const name = detail
    ? (detail.customer.name ?? detail.customer.email ?? detail.customer.userId)
    : props.customerId;

  const openAction = (next: OpenAction) => {
    action.clearError();
    setOpen(next);
  };

  return (
    <section className={sectionClass('billkit-customer-detail', props.className)} aria-labelledby={headingId}>
      <BackLink {...props} />
      <div className="billkit-customer-header">
        <h2 id={headingId} className="billkit-heading">
          {name}
        </h2>
        {detail ? (
          <SubscriptionBadge
            status={detail.subscriptionStatus}
            cancelScheduled={subscription?.cancelAtPeriodEnd ?? false}
          />
        ) : null}
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {detail ? (
        <>
          <CustomerIdentity detail={detail} />
          <AccountSummary detail={detail} subscription={subscription} plans={plans} />
          <ActionBar subscription={subscription} action={action} onOpen={openAction} />
          <LiveStatus outcome={action.outcome} />
          <InvoiceTable detail={detail} action={action} onOpen={openAction} />
          <Timeline detail={detail} plans={plans} limit={props.timelineLimit ?? 25} />
        </>
      ) : null}
      {detail && open ? (
        <CustomerActionDialog
          open={open}
          detail={detail}
          subscription={subscription}
          actions={query}
          action={action}
          plans={plans}
          close={() => setOpen(null)}
        />
      ) : null}
    </section>
  );
}

/** The plans given, else the portal's `GET /plans`; null until known (or when it fails). */
function usePlanOptions(given: PlanJson[] | undefined): PlanJson[] | null {
  const { client } = useAdminContext();
  const query = useAdminQuery<PlansResponse>('portal:/plans', () => client.getPlans(), given === undefined);
  return given ?? query.data?.plans ?? null;
}

function BackLink({ backHref, onBack }: CustomerDetailProps): ReactNode {
  const { messages } = useAdminContext();
  if (backHref) {
    return (
      <a
        className="billkit-link billkit-back"
        href={backHref}
        onClick={(event) => {
          if (!onBack || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          onBack();
        }}
      >
        {messages.detail.back}
      </a>
    );
  }
  if (!onBack) return null;
  return (
    <button type="button" className="billkit-button billkit-button--quiet billkit-back" onClick={onBack}>
      {messages.detail.back}
    </button>
  );
}

function CustomerIdentity({ detail }: { detail: CustomerDetailJson }): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.detail;
  const { customer } = detail;
  return (
    <div className="billkit-customer-identity">
      {customer.email && customer.email !== customer.name ? <p>{customer.email}</p> : null}
      <dl className="billkit-inline-details">
        <div>
          <dt>{m.userId}</dt>
          <dd>
            <code>{customer.userId}</code>
          </dd>
        </div>
        <div>
          <dt>{m.stripeId}</dt>
          <dd>
            <code>{customer.stripeCustomerId}</code>
          </dd>
        </div>
      </dl>
      {detail.stripeDashboardUrl ? (
        <a
          className="billkit-link"
          href={detail.stripeDashboardUrl}
          target="_blank"
          rel="noopener noreferrer"
        >
          {m.stripeLink} <span className="billkit-visually-hidden">{messages.common.opensInNewTab}</span>
        </a>
      ) : null}
    </div>
  );
}

interface AccountSummaryProps {
  detail: CustomerDetailJson;
  subscription: SubscriptionRecordJson | null;
  plans: PlanJson[] | null;
}

function AccountSummary({ detail, subscription, plans }: AccountSummaryProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.detail;
  const { customer, totals } = detail;
  const currency = subscription?.currency ?? customer.currency ?? totals.currency;
  const money = (amount: number, code = currency) => format.money(amount, code);
  const card = detail.paymentMethods.find((method) => method.isDefault) ?? detail.paymentMethods[0];
  const running =
    subscription && subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired';

  const items: Array<[label: string, value: string]> = [
    [m.plan, subscription ? planName(subscription.planId, plans, messages) : m.noPlan],
  ];
  if (subscription) {
    items.push([
      m.price,
      m.pricePer(
        money(subscription.amount, subscription.currency),
        m.intervals[subscription.interval] ?? subscription.interval,
      ),
    ]);
    if (!running)
      items.push([
        m.ended,
        format.date(subscription.endedAt ?? subscription.canceledAt ?? subscription.currentPeriodEnd),
      ]);
    else if (subscription.cancelAtPeriodEnd)
      items.push([m.ends, format.date(subscription.cancelAt ?? subscription.currentPeriodEnd)]);
    else items.push([m.renews, format.date(subscription.currentPeriodEnd)]);
    if (subscription.status === 'trialing' && subscription.trialEnd)
      items.push([m.trialEnds, format.date(subscription.trialEnd)]);
    if (subscription.pastDueSince) items.push([m.pastDueSince, format.date(subscription.pastDueSince)]);
    if (subscription.graceExtendedUntil)
      items.push([m.graceUntil, format.date(subscription.graceExtendedUntil)]);
  }
  items.push([
    m.paymentMethod,
    card?.brand && card.last4
      ? m.card(capitalize(card.brand), card.last4)
      : card
        ? card.type
        : m.noPaymentMethod,
  ]);
  items.push([
    m.balance,
    customer.balance < 0
      ? messages.customers.credit(money(-customer.balance))
      : customer.balance > 0
        ? messages.customers.owing(money(customer.balance))
        : m.noBalance,
  ]);
  items.push([m.revenue, money(totals.revenue, totals.currency)]);
  items.push([m.refunded, money(totals.refunds, totals.currency)]);
  items.push([m.fees, money(totals.fees, totals.currency)]);
  items.push([m.customerSince, format.date(customer.createdAt)]);

  return (
    <dl className="billkit-details billkit-account-summary">
      {items.map(([label, value]) => (
        <div key={label} className="billkit-detail">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

interface ActionBarProps {
  subscription: SubscriptionRecordJson | null;
  action: AdminActionState;
  onOpen(action: OpenAction): void;
}

function ActionBar({ subscription, action, onOpen }: ActionBarProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.actions;
  const status = subscription?.status;
  const running = subscription !== null && status !== 'canceled' && status !== 'incomplete_expired';
  const busy = action.pending !== null;
  const button = (label: string, open: OpenAction, danger = false) => (
    <button
      key={open.kind}
      type="button"
      className={`billkit-button${danger ? ' billkit-button--danger-quiet' : ''}`}
      aria-haspopup="dialog"
      disabled={busy}
      onClick={() => onOpen(open)}
    >
      {label}
    </button>
  );

  return (
    <div className="billkit-admin-actions">
      <h3 className="billkit-visually-hidden">{messages.detail.actionsLabel}</h3>
      <div className="billkit-actions">
        {running ? button(m.changePlan, { kind: 'plan' }) : null}
        {status === 'trialing' ? button(m.extendTrial, { kind: 'trial' }) : null}
        {status === 'past_due' || status === 'unpaid' ? button(m.extendGrace, { kind: 'grace' }) : null}
        {subscription && (subscription.cancelAtPeriodEnd || status === 'canceled')
          ? button(m.reactivate, { kind: 'reactivate' })
          : null}
        {button(m.grantCredit, { kind: 'credit' })}
        {button(m.createInvoice, { kind: 'invoice' })}
        {running ? button(m.cancel, { kind: 'cancel' }, true) : null}
      </div>
    </div>
  );
}

interface InvoiceTableProps {
  detail: CustomerDetailJson;
  action: AdminActionState;
  onOpen(action: OpenAction): void;
}

function InvoiceTable({ detail, action, onOpen }: InvoiceTableProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.detail;
  const a = messages.actions;
  const headingId = useId();
  const invoices = [...detail.invoices].sort((x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt));
  const refundedByInvoice = new Map<string, number>();
  for (const refund of detail.refunds) {
    if (!refund.stripeInvoiceId || refund.status === 'failed' || refund.status === 'canceled') continue;
    refundedByInvoice.set(
      refund.stripeInvoiceId,
      (refundedByInvoice.get(refund.stripeInvoiceId) ?? 0) + refund.amount,
    );
  }
  const busy = action.pending !== null;

  const actionsFor = (invoice: InvoiceRecordJson): ReactNode[] => {
    const label = invoice.number ?? invoice.stripeInvoiceId;
    const refunded = refundedByInvoice.get(invoice.stripeInvoiceId) ?? 0;
    const buttons: ReactNode[] = [];
    const add = (key: string, text: string, name: string, open: OpenAction) =>
      buttons.push(
        <button
          key={key}
          type="button"
          className="billkit-button billkit-button--small"
          aria-label={name}
          aria-haspopup="dialog"
          disabled={busy}
          onClick={() => onOpen(open)}
        >
          {text}
        </button>,
      );
    if (invoice.status === 'open')
      add('retry', a.retryPayment, a.retryPaymentFor(label), { kind: 'retry', invoice });
    if (invoice.status === 'paid' && invoice.amountPaid - refunded > 0)
      add('refund', a.refund, a.refundFor(label), { kind: 'refund', invoice, refunded });
    if (invoice.status === 'paid')
      add('receipt', a.resendReceipt, a.resendReceiptFor(label), { kind: 'receipt', invoice });
    return buttons;
  };

  return (
    <div className="billkit-customer-invoices">
      <h3 id={headingId} className="billkit-heading">
        {m.invoicesHeading}
      </h3>
      {invoices.length === 0 ? <p className="billkit-empty">{m.noInvoices}</p> : null}
      {invoices.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table billkit-admin-table" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{m.invoiceNumber}</th>
                <th scope="col">{m.invoiceDate}</th>
                <th scope="col" className="billkit-numeric">
                  {m.invoiceTotal}
                </th>
                <th scope="col">{m.invoiceStatus}</th>
                <th scope="col" className="billkit-numeric">
                  {m.invoiceRefunded}
                </th>
                <th scope="col">{m.invoiceActions}</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((invoice) => {
                const refunded = refundedByInvoice.get(invoice.stripeInvoiceId) ?? 0;
                return (
                  <tr key={invoice.stripeInvoiceId}>
                    <th scope="row">{invoice.number ?? m.draftNumber}</th>
                    <td>{format.shortDate(invoice.createdAt)}</td>
                    <td className="billkit-numeric">{format.money(invoice.total, invoice.currency)}</td>
                    <td>
                      <StatusBadge tone={invoiceTone[invoice.status]}>
                        {messages.status.invoice[invoice.status]}
                      </StatusBadge>
                    </td>
                    <td className="billkit-numeric">
                      {refunded > 0 ? format.money(refunded, invoice.currency) : messages.common.none}
                    </td>
                    <td>
                      <div className="billkit-row-actions">{actionsFor(invoice)}</div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function Timeline({
  detail,
  plans,
  limit,
}: {
  detail: CustomerDetailJson;
  plans: PlanJson[] | null;
  limit: number;
}): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.detail;
  const headingId = useId();
  const [shown, setShown] = useState(limit);
  const entries = useMemo(
    () => buildTimeline(detail, messages, format, plans),
    [detail, messages, format, plans],
  );
  const visible = entries.slice(0, shown);
  const more = entries.length - visible.length;

  return (
    <div className="billkit-customer-timeline">
      <h3 id={headingId} className="billkit-heading">
        {m.timelineHeading}
      </h3>
      {entries.length === 0 ? <p className="billkit-empty">{m.noTimeline}</p> : null}
      {entries.length > 0 ? (
        <ol className="billkit-timeline" aria-labelledby={headingId}>
          {visible.map((entry) => (
            <li key={entry.id} className={`billkit-timeline-entry billkit-timeline-entry--${entry.kind}`}>
              <time dateTime={entry.at} className="billkit-timeline-time">
                {format.dateTime(entry.at)}
              </time>
              <StatusBadge tone={entry.tone}>{messages.timeline.kinds[entry.kind]}</StatusBadge>
              <span className="billkit-timeline-text">{entry.text}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {more > 0 ? (
        <button type="button" className="billkit-button" onClick={() => setShown((count) => count + limit)}>
          {m.showMore(Math.min(more, limit))}
        </button>
      ) : null}
    </div>
  );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
