// The subscription at a glance: status, plan, price, the next charge with its GST, and a notice
// for whatever needs the customer's attention (trial ending, failed payment, scheduled end).

import type { NextChargeJson, SubscriptionJson } from '@billkit/server/contract';
import { type ReactNode, useId } from 'react';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { LiveStatus } from '../ui/live-status.js';
import { QueryStatus } from '../ui/query-status.js';
import { sectionClass } from '../ui/section-class.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useAction } from '../ui/use-action.js';
import { cancelDate, isCancelScheduled, isLive, subscriptionTone } from './subscription-state.js';
import { useSubscription } from './use-subscription.js';

export interface SubscriptionSummaryProps {
  className?: string;
}

/** Status, plan, next charge and notices, with a Resume button while a cancellation is scheduled. */
export function SubscriptionSummary({ className }: SubscriptionSummaryProps): ReactNode {
  const context = useBillingContext();
  const m = context.messages.summary;
  const headingId = useId();
  const query = useSubscription();
  const action = useAction();
  const { subscription, nextCharge } = query;

  const resume = () =>
    action.run('resume', async () => {
      await query.resume();
      return m.resumed;
    });

  return (
    <section className={sectionClass('billkit-summary', className)} aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1} className="billkit-heading">
        {m.heading}
      </h2>
      <QueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {subscription === null ? (
        <div className="billkit-empty">
          <p>{m.none}</p>
          <p>{m.noneHint}</p>
        </div>
      ) : null}
      {subscription ? (
        <>
          <SummaryDetails context={context} subscription={subscription} nextCharge={nextCharge ?? null} />
          <SummaryNotices context={context} subscription={subscription} />
          {isCancelScheduled(subscription) ? (
            <div className="billkit-actions">
              <button
                type="button"
                className="billkit-button billkit-button--primary"
                onClick={resume}
                disabled={action.pending !== null}
              >
                {action.pending === 'resume' ? m.resuming : m.resume}
              </button>
            </div>
          ) : null}
        </>
      ) : null}
      <LiveStatus outcome={action.outcome} />
    </section>
  );
}

interface DetailsProps {
  context: BillingContextValue;
  subscription: SubscriptionJson;
  nextCharge: NextChargeJson | null;
}

function SummaryDetails({ context, subscription, nextCharge }: DetailsProps): ReactNode {
  const { messages, format } = context;
  const m = messages.summary;
  const ending = isCancelScheduled(subscription);
  const charging = isLive(subscription) && subscription.status !== 'unpaid';
  return (
    <dl className="billkit-details">
      <div className="billkit-detail">
        <dt>{m.status}</dt>
        <dd>
          <StatusBadge tone={ending ? 'warning' : subscriptionTone[subscription.status]}>
            {ending ? messages.status.cancelScheduled : messages.status.subscription[subscription.status]}
          </StatusBadge>
        </dd>
      </div>
      <div className="billkit-detail">
        <dt>{m.plan}</dt>
        <dd className="billkit-plan-name">{subscription.planName ?? subscription.planId}</dd>
      </div>
      <div className="billkit-detail">
        <dt>{m.price}</dt>
        <dd>{messages.intervals.price(format.money(subscription.amount), subscription.interval)}</dd>
      </div>
      {charging ? (
        <div className="billkit-detail">
          <dt>{m.nextCharge}</dt>
          <dd>
            {nextCharge
              ? m.nextChargeText({
                  amount: format.money(nextCharge.amount),
                  tax: nextCharge.tax.amount === 0 ? null : format.money(nextCharge.tax),
                  taxLabel: nextCharge.taxLabel,
                  date: format.date(nextCharge.date),
                })
              : m.noNextCharge}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function SummaryNotices({ context, subscription }: Omit<DetailsProps, 'nextCharge'>): ReactNode {
  const { messages, format } = context;
  const m = messages.summary;
  const notices: Array<{ key: string; tone: 'info' | 'warning' | 'danger'; text: string }> = [];

  if (subscription.status === 'trialing' && subscription.trialEnd) {
    notices.push({ key: 'trial', tone: 'info', text: m.trialEnds(format.date(subscription.trialEnd)) });
  }
  if (subscription.status === 'past_due') {
    const text = subscription.graceUntil ? m.pastDue(format.date(subscription.graceUntil)) : m.pastDueNoDate;
    notices.push({ key: 'past-due', tone: 'danger', text });
  }
  if (subscription.status === 'unpaid') notices.push({ key: 'unpaid', tone: 'danger', text: m.unpaid });
  if (subscription.status === 'incomplete')
    notices.push({ key: 'incomplete', tone: 'warning', text: m.incomplete });
  if (isCancelScheduled(subscription)) {
    notices.push({
      key: 'ending',
      tone: 'warning',
      text: m.cancelScheduled(format.date(cancelDate(subscription))),
    });
  }
  if (subscription.status === 'canceled') {
    const ended = subscription.endedAt ?? subscription.canceledAt;
    notices.push({
      key: 'ended',
      tone: 'info',
      text: ended ? m.canceled(format.date(ended)) : m.canceledNoDate,
    });
  }
  if (isLive(subscription) && subscription.pausedCollection) {
    notices.push({ key: 'paused', tone: 'info', text: m.paused });
  }
  if (isLive(subscription) && subscription.scheduledDowngrade) {
    const planName = subscription.planName ?? subscription.planId ?? '';
    notices.push({
      key: 'downgrade',
      tone: 'info',
      text: m.scheduledChange(planName, format.date(subscription.scheduledDowngrade.until)),
    });
  }

  if (notices.length === 0) return null;
  return (
    <div className="billkit-notices">
      {notices.map((notice) => (
        <p key={notice.key} className={`billkit-notice billkit-notice--${notice.tone}`}>
          {notice.text}
        </p>
      ))}
    </div>
  );
}
