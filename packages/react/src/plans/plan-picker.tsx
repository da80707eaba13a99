// Choosing a plan. With a live subscription, choosing asks the server for a proration preview
// (what is charged now, what the next renewal costs) and changes nothing until Confirm; without
// one, choosing starts a subscription after the same explicit confirmation.

import type { ChangePreviewJson, IntervalJson, PlanJson, SubscriptionJson } from '@billkit/server/contract';
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../messages/describe-error.js';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { isLive } from '../subscription/subscription-state.js';
import { useSubscription } from '../subscription/use-subscription.js';
import { LiveStatus } from '../ui/live-status.js';
import { QueryStatus } from '../ui/query-status.js';
import { sectionClass } from '../ui/section-class.js';
import { StatusBadge } from '../ui/status-badge.js';
import { StepHeading } from '../ui/step-heading.js';
import { type ActionState, useAction } from '../ui/use-action.js';
import { usePlans } from './use-plans.js';

export interface PlanPickerProps {
  /**
   * The billing period shown first when the customer has no subscription.
   * @default 'month'
   */
  defaultInterval?: IntervalJson;
  className?: string;
}

type PlanPrice = PlanJson['prices'][number];
const INTERVAL_ORDER: IntervalJson[] = ['day', 'week', 'month', 'year'];

/** The plans with a monthly / yearly toggle, the current plan marked, and a confirmed change. */
export function PlanPicker({ defaultInterval = 'month', className }: PlanPickerProps): ReactNode {
  const context = useBillingContext();
  const { messages, format } = context;
  const m = messages.plans;
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const plansQuery = usePlans();
  const subscriptionQuery = useSubscription();
  const action = useAction();
  const [chosenInterval, setChosenInterval] = useState<IntervalJson | null>(null);
  const [selected, setSelected] = useState<{ plan: PlanJson; price: PlanPrice } | null>(null);

  const subscription = subscriptionQuery.subscription;
  const live = isLive(subscription) ? subscription : null;
  const interval = chosenInterval ?? live?.interval ?? defaultInterval;
  const plans = plansQuery.plans ?? [];
  const intervals = INTERVAL_ORDER.filter((i) =>
    plans.some((plan) => plan.prices.some((p) => p.interval === i)),
  );
  const offered = plans.flatMap((plan) => {
    const price = plan.prices.find((p) => p.interval === interval);
    return price ? [{ plan, price }] : [];
  });
  // While a downgrade waits for the period end, the customer still uses the old plan.
  const currentPlanId = live ? (live.scheduledDowngrade?.fromPlanId ?? live.planId) : null;
  const scheduledPlanId = live?.scheduledDowngrade ? live.planId : null;

  const close = useCallback(() => {
    setSelected(null);
    headingRef.current?.focus();
  }, []);

  return (
    <section className={sectionClass('billkit-plan-picker', className)} aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="billkit-heading">
        {m.heading}
      </h2>
      <QueryStatus query={plansQuery} loading={m.loading} failed={m.loadError} />
      {plansQuery.plans && intervals.length > 1 ? (
        <fieldset className="billkit-interval-toggle">
          <legend>{m.intervalLegend}</legend>
          {intervals.map((i) => (
            <label key={i} className="billkit-toggle-option">
              <input
                type="radio"
                name={`${headingId}-interval`}
                value={i}
                checked={interval === i}
                onChange={() => {
                  setChosenInterval(i);
                  setSelected(null);
                }}
              />
              <span>{messages.intervals.names[i]}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {plansQuery.plans && offered.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {offered.length > 0 ? (
        <ul className="billkit-plans">
          {offered.map(({ plan, price }) => {
            const isCurrent = plan.id === currentPlanId && live?.interval === interval;
            const isScheduled = plan.id === scheduledPlanId && live?.interval === interval;
            const isSelected = selected?.plan.id === plan.id;
            return (
              <li key={plan.id} className={planClass(isCurrent, isSelected)}>
                <h3 className="billkit-plan-title">{plan.name}</h3>
                {isCurrent ? <StatusBadge tone="info">{m.current}</StatusBadge> : null}
                {isScheduled && live?.scheduledDowngrade ? (
                  <StatusBadge tone="neutral">
                    {m.scheduled(format.date(live.scheduledDowngrade.until))}
                  </StatusBadge>
                ) : null}
                <p className="billkit-plan-price">
                  {messages.intervals.price(format.money(price.amount), price.interval, price.intervalCount)}
                </p>
                {price.trialDays && !live ? (
                  <p className="billkit-plan-trial">{m.trial(price.trialDays)}</p>
                ) : null}
                {plan.description ? <p className="billkit-plan-description">{plan.description}</p> : null}
                {plan.features.length > 0 ? (
                  <ul className="billkit-plan-features" aria-label={m.features(plan.name)}>
                    {plan.features.map((feature) => (
                      <li key={feature}>{feature}</li>
                    ))}
                  </ul>
                ) : null}
                {isCurrent || isScheduled ? null : (
                  <button
                    type="button"
                    className="billkit-button"
                    aria-pressed={isSelected}
                    disabled={action.pending !== null}
                    onClick={() => {
                      action.announce(null);
                      setSelected({ plan, price });
                    }}
                  >
                    {m.choose(plan.name)}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {selected && live ? (
        <ChangePanel
          key={`${selected.plan.id}:${interval}`}
          context={context}
          plan={selected.plan}
          interval={interval}
          subscription={live}
          action={action}
          onClose={close}
          change={subscriptionQuery.change}
          preview={subscriptionQuery.previewChange}
        />
      ) : null}
      {selected && !live ? (
        <StartPanel
          key={`${selected.plan.id}:${interval}`}
          context={context}
          plan={selected.plan}
          price={selected.price}
          action={action}
          onClose={close}
          start={subscriptionQuery.start}
        />
      ) : null}
      <LiveStatus outcome={action.outcome} />
    </section>
  );
}

function planClass(current: boolean, selected: boolean): string {
  return ['billkit-plan', current && 'billkit-plan--current', selected && 'billkit-plan--selected']
    .filter(Boolean)
    .join(' ');
}

interface ChangePanelProps {
  context: BillingContextValue;
  plan: PlanJson;
  interval: IntervalJson;
  subscription: SubscriptionJson;
  action: ActionState;
  onClose(): void;
  preview(request: { plan: string; interval: IntervalJson }): Promise<ChangePreviewJson>;
  change(request: { plan: string; interval: IntervalJson }): Promise<SubscriptionJson>;
}

type PreviewState =
  | { state: 'loading' }
  | { state: 'failed'; error: unknown }
  | { state: 'ready'; preview: ChangePreviewJson };

function ChangePanel(props: ChangePanelProps): ReactNode {
  const { context, plan, interval, action, onClose, preview, change } = props;
  const { messages, format } = context;
  const m = messages.plans;
  const headingId = useId();
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<PreviewState>({ state: 'loading' });

  // One preview per attempt, also under StrictMode's double effects ("Try again" is a new attempt).
  const requested = useRef(-1);

  useEffect(() => {
    if (requested.current === attempt) return;
    requested.current = attempt;
    setResult({ state: 'loading' });
    preview({ plan: plan.id, interval }).then(
      (value) => setResult({ state: 'ready', preview: value }),
      (error: unknown) => setResult({ state: 'failed', error }),
    );
  }, [preview, plan.id, interval, attempt]);

  const confirm = async () => {
    const ok = await action.run('change', async () => {
      const updated = await change({ plan: plan.id, interval });
      const name = updated.planName ?? plan.name;
      return updated.scheduledDowngrade
        ? m.changeScheduled(name, format.date(updated.scheduledDowngrade.until))
        : m.changed(name);
    });
    if (ok) onClose();
  };

  return (
    <section className="billkit-panel billkit-change-preview" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{m.previewHeading(plan.name)}</StepHeading>
      <div className="billkit-live" role="status" aria-live="polite">
        {result.state === 'loading' ? <p className="billkit-loading">{m.previewLoading}</p> : null}
        {result.state === 'failed' ? (
          <p className="billkit-message billkit-message--error">
            {m.previewError} {describeError(result.error, messages)}
          </p>
        ) : null}
      </div>
      {result.state === 'ready' ? <PreviewDetails context={context} preview={result.preview} /> : null}
      <div className="billkit-actions">
        {result.state === 'ready' ? (
          <button
            type="button"
            className="billkit-button billkit-button--primary"
            onClick={confirm}
            disabled={action.pending !== null}
          >
            {action.pending === 'change' ? m.changing : m.confirmChange}
          </button>
        ) : null}
        {result.state === 'failed' ? (
          <button type="button" className="billkit-button" onClick={() => setAttempt((n) => n + 1)}>
            {messages.common.retry}
          </button>
        ) : null}
        <button type="button" className="billkit-button billkit-button--quiet" onClick={onClose}>
          {m.keepCurrent}
        </button>
      </div>
    </section>
  );
}

function PreviewDetails({ context, preview }: { context: BillingContextValue; preview: ChangePreviewJson }) {
  const { messages, format } = context;
  const m = messages.plans;
  const nothingNow = preview.now.total.amount === 0 && preview.now.lines.length === 0;
  return (
    <>
      {preview.now.lines.length > 0 ? (
        <table className="billkit-table billkit-preview-lines">
          <thead>
            <tr>
              <th scope="col">{m.description}</th>
              <th scope="col" className="billkit-numeric">
                {m.amount}
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.now.lines.map((line, index) => (
              // Lines have no id; their order is the server's and stable for one preview.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tr key={index}>
                <td>{line.description}</td>
                <td className="billkit-numeric">{format.money(line.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <dl className="billkit-details billkit-totals">
        {nothingNow ? null : (
          <div className="billkit-detail">
            <dt>{m.dueNow}</dt>
            <dd className="billkit-total">{format.money(preview.now.total)}</dd>
          </div>
        )}
        <div className="billkit-detail">
          <dt>{m.nextRenewal(format.date(preview.next.date))}</dt>
          <dd className="billkit-total">{format.money(preview.next.total)}</dd>
        </div>
      </dl>
      {nothingNow ? <p className="billkit-note">{m.nothingDueNow}</p> : null}
      {preview.direction === 'downgrade' ? (
        <p className="billkit-note">{m.downgradeNote(format.date(preview.next.date))}</p>
      ) : null}
    </>
  );
}

interface StartPanelProps {
  context: BillingContextValue;
  plan: PlanJson;
  price: PlanPrice;
  action: ActionState;
  onClose(): void;
  start(request: { plan: string; interval: IntervalJson }): Promise<SubscriptionJson>;
}

function StartPanel({ context, plan, price, action, onClose, start }: StartPanelProps): ReactNode {
  const { messages, format } = context;
  const m = messages.plans;
  const headingId = useId();
  const priceText = messages.intervals.price(format.money(price.amount), price.interval, price.intervalCount);

  const confirm = async () => {
    const ok = await action.run('start', async () => {
      const started = await start({ plan: plan.id, interval: price.interval });
      return m.started(started.planName ?? plan.name);
    });
    if (ok) onClose();
  };

  return (
    <section className="billkit-panel billkit-start" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{m.startHeading(plan.name)}</StepHeading>
      <p>{price.trialDays ? m.startTrial(price.trialDays, priceText) : m.startPrice(priceText)}</p>
      <div className="billkit-actions">
        <button
          type="button"
          className="billkit-button billkit-button--primary"
          onClick={confirm}
          disabled={action.pending !== null}
        >
          {action.pending === 'start' ? m.starting : m.confirmStart}
        </button>
        <button type="button" className="billkit-button billkit-button--quiet" onClick={onClose}>
          {m.back}
        </button>
      </div>
    </section>
  );
}
