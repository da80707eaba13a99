// Cancelling, in steps: why (Stripe's feedback values and the customer's words) → the retention
// offers that fit (accept one and stay) → confirm the end at period end → done. Each step's heading
// takes focus, so the flow works from the keyboard and reads in order with a screen reader.

import type { CancellationFeedback, RetentionOfferJson, SubscriptionJson } from '@billkit/server/contract';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { cancelDate, isCancellable } from '../subscription/subscription-state.js';
import { useSubscription } from '../subscription/use-subscription.js';
import { LiveStatus } from '../ui/live-status.js';
import { sectionClass } from '../ui/section-class.js';
import { StepHeading } from '../ui/step-heading.js';
import { type ActionState, useAction } from '../ui/use-action.js';
import { useRetentionOffers } from './use-retention-offers.js';

export interface CancelFlowProps {
  /** Called when the flow ends: the customer stayed (with or without an offer) or cancelled. */
  onFinished?(outcome: 'kept' | 'offer_accepted' | 'canceled'): void;
  className?: string;
}

type Step =
  | { name: 'closed' }
  | { name: 'reason' }
  | { name: 'offers' }
  | { name: 'confirm'; declinedOffers: string[] }
  | { name: 'accepted'; offer: RetentionOfferJson }
  | { name: 'done'; subscription: SubscriptionJson };

/** Feedback values in the order the survey lists them; `other` last. */
const FEEDBACK: CancellationFeedback[] = [
  'too_expensive',
  'missing_features',
  'unused',
  'switched_service',
  'too_complex',
  'low_quality',
  'customer_service',
  'other',
];

/** The "Cancel subscription" button and the steps it opens. Renders nothing when nothing can be cancelled. */
export function CancelFlow({ onFinished, className }: CancelFlowProps): ReactNode {
  const context = useBillingContext();
  const m = context.messages.cancel;
  const { subscription, cancel } = useSubscription();
  const action = useAction();
  const openButtonRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const [step, setStep] = useState<Step>({ name: 'closed' });
  const [feedback, setFeedback] = useState<CancellationFeedback | undefined>(undefined);
  const [reason, setReason] = useState('');

  useEffect(() => {
    if (step.name === 'closed' && returnFocus.current) {
      returnFocus.current = false;
      openButtonRef.current?.focus();
    }
  }, [step]);

  if (step.name === 'closed' && !isCancellable(subscription)) return null;

  const finish = (outcome: 'kept' | 'offer_accepted' | 'canceled') => {
    returnFocus.current = true;
    setStep({ name: 'closed' });
    setFeedback(undefined);
    setReason('');
    action.announce(null);
    onFinished?.(outcome);
  };
  const survey = { feedback, reason: reason.trim() || undefined };

  return (
    <section className={sectionClass('billkit-cancel-flow', className)} aria-label={m.open}>
      {step.name === 'closed' ? (
        <button
          ref={openButtonRef}
          type="button"
          className="billkit-button billkit-button--danger-quiet"
          onClick={() => setStep({ name: 'reason' })}
        >
          {m.open}
        </button>
      ) : null}
      {step.name === 'reason' ? (
        <ReasonStep
          context={context}
          feedback={feedback}
          reason={reason}
          onFeedback={setFeedback}
          onReason={setReason}
          onContinue={() => setStep({ name: 'offers' })}
          onKeep={() => finish('kept')}
        />
      ) : null}
      {step.name === 'offers' ? (
        <OffersStep
          context={context}
          action={action}
          survey={survey}
          onAccepted={(offer) => setStep({ name: 'accepted', offer })}
          onDeclined={(declinedOffers) => setStep({ name: 'confirm', declinedOffers })}
          onKeep={() => finish('kept')}
        />
      ) : null}
      {step.name === 'confirm' && subscription ? (
        <ConfirmStep
          context={context}
          action={action}
          subscription={subscription}
          onConfirm={() =>
            action.run('cancel', async () => {
              const updated = await cancel({
                atPeriodEnd: true,
                ...survey,
                ...(step.declinedOffers.length > 0 ? { declinedOffers: step.declinedOffers } : {}),
              });
              setStep({ name: 'done', subscription: updated });
              return undefined;
            })
          }
          onKeep={() => finish('kept')}
        />
      ) : null}
      {step.name === 'accepted' ? (
        <FinalStep
          context={context}
          heading={m.acceptedHeading}
          text={m.accepted(offerTitle(context, step.offer))}
          onDone={() => finish('offer_accepted')}
        />
      ) : null}
      {step.name === 'done' ? (
        <FinalStep
          context={context}
          heading={m.doneHeading}
          text={
            step.subscription.cancelAtPeriodEnd || step.subscription.cancelAt
              ? m.doneText(context.format.date(cancelDate(step.subscription)))
              : m.doneTextNoDate
          }
          onDone={() => finish('canceled')}
        />
      ) : null}
      <LiveStatus outcome={action.outcome} />
    </section>
  );
}

interface ReasonStepProps {
  context: BillingContextValue;
  feedback: CancellationFeedback | undefined;
  reason: string;
  onFeedback(value: CancellationFeedback): void;
  onReason(value: string): void;
  onContinue(): void;
  onKeep(): void;
}

function ReasonStep(props: ReasonStepProps): ReactNode {
  const m = props.context.messages.cancel;
  const headingId = useId();
  const commentId = useId();
  return (
    <form
      className="billkit-panel billkit-cancel-reason"
      aria-labelledby={headingId}
      onSubmit={(event) => {
        event.preventDefault();
        props.onContinue();
      }}
    >
      <StepHeading id={headingId}>{m.reasonHeading}</StepHeading>
      <p className="billkit-note">{m.reasonIntro}</p>
      <fieldset className="billkit-fieldset">
        <legend>{m.reasonLegend}</legend>
        {FEEDBACK.map((value) => (
          <label key={value} className="billkit-choice">
            <input
              type="radio"
              name={`${headingId}-feedback`}
              value={value}
              checked={props.feedback === value}
              onChange={() => props.onFeedback(value)}
            />
            <span>{m.reasons[value]}</span>
          </label>
        ))}
      </fieldset>
      <div className="billkit-field">
        <label htmlFor={commentId} className="billkit-label">
          {m.comment}
        </label>
        <textarea
          id={commentId}
          className="billkit-input billkit-textarea"
          maxLength={500}
          rows={3}
          value={props.reason}
          onChange={(event) => props.onReason(event.target.value)}
        />
      </div>
      <div className="billkit-actions">
        <button type="submit" className="billkit-button">
          {m.continue}
        </button>
        <button type="button" className="billkit-button billkit-button--primary" onClick={props.onKeep}>
          {m.keep}
        </button>
      </div>
    </form>
  );
}

interface OffersStepProps {
  context: BillingContextValue;
  action: ActionState;
  survey: { feedback: CancellationFeedback | undefined; reason: string | undefined };
  onAccepted(offer: RetentionOfferJson): void;
  onDeclined(declinedOffers: string[]): void;
  onKeep(): void;
}

function OffersStep({ context, action, survey, onAccepted, onDeclined, onKeep }: OffersStepProps): ReactNode {
  const m = context.messages.cancel;
  const headingId = useId();
  const { offers, error, isLoading, accept } = useRetentionOffers();
  const nothingToOffer = (offers !== undefined && offers.length === 0) || (error !== undefined && !offers);
  const onDeclinedRef = useRef(onDeclined);
  onDeclinedRef.current = onDeclined;

  // No offers (or none could be loaded): go straight on to the confirmation, never block a cancel.
  useEffect(() => {
    if (nothingToOffer) onDeclinedRef.current([]);
  }, [nothingToOffer]);

  if (isLoading || nothingToOffer || !offers) {
    return (
      <div className="billkit-live" role="status" aria-live="polite">
        <p className="billkit-loading">{m.offersLoading}</p>
      </div>
    );
  }

  const take = (offer: RetentionOfferJson) =>
    action.run(`accept:${offer.id}`, async () => {
      await accept(offer.id, {
        ...(survey.feedback ? { feedback: survey.feedback } : {}),
        ...(survey.reason ? { reason: survey.reason } : {}),
      });
      onAccepted(offer);
      return undefined;
    });

  return (
    <section className="billkit-panel billkit-offers" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{m.offersHeading}</StepHeading>
      <p>{m.offersIntro}</p>
      <ul className="billkit-offer-list">
        {offers.map((offer) => {
          const titleId = `${headingId}-${offer.id}`;
          return (
            <li key={offer.id} className={`billkit-offer billkit-offer--${offer.kind}`}>
              <h4 id={titleId} className="billkit-offer-title">
                {offerTitle(context, offer)}
              </h4>
              <p className="billkit-offer-description">{offer.description}</p>
              <button
                type="button"
                className="billkit-button billkit-button--primary"
                aria-describedby={titleId}
                disabled={action.pending !== null}
                onClick={() => void take(offer)}
              >
                {action.pending === `accept:${offer.id}` ? m.accepting : m.accept}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="billkit-actions">
        <button
          type="button"
          className="billkit-button"
          disabled={action.pending !== null}
          onClick={() => onDeclined(offers.map((offer) => offer.id))}
        >
          {m.decline}
        </button>
        <button type="button" className="billkit-button billkit-button--quiet" onClick={onKeep}>
          {m.keep}
        </button>
      </div>
    </section>
  );
}

interface ConfirmStepProps {
  context: BillingContextValue;
  action: ActionState;
  subscription: SubscriptionJson;
  onConfirm(): void;
  onKeep(): void;
}

function ConfirmStep({ context, action, subscription, onConfirm, onKeep }: ConfirmStepProps): ReactNode {
  const m = context.messages.cancel;
  const headingId = useId();
  return (
    <section className="billkit-panel billkit-cancel-confirm" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{m.confirmHeading}</StepHeading>
      <p>{m.confirmText(context.format.date(subscription.currentPeriodEnd))}</p>
      <div className="billkit-actions">
        <button
          type="button"
          className="billkit-button billkit-button--danger"
          disabled={action.pending !== null}
          onClick={onConfirm}
        >
          {action.pending === 'cancel' ? m.cancelling : m.confirm}
        </button>
        <button type="button" className="billkit-button billkit-button--primary" onClick={onKeep}>
          {m.keep}
        </button>
      </div>
    </section>
  );
}

interface FinalStepProps {
  context: BillingContextValue;
  heading: string;
  text: string;
  onDone(): void;
}

function FinalStep({ context, heading, text, onDone }: FinalStepProps): ReactNode {
  const headingId = useId();
  return (
    <section className="billkit-panel billkit-cancel-final" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{heading}</StepHeading>
      <p>{text}</p>
      <div className="billkit-actions">
        <button type="button" className="billkit-button" onClick={onDone}>
          {context.messages.common.done}
        </button>
      </div>
    </section>
  );
}

/** The offer's title from the messages (so it is translated), or the server's when the kind lacks data. */
export function offerTitle(context: BillingContextValue, offer: RetentionOfferJson): string {
  const m = context.messages.cancel;
  if (offer.kind === 'discount' && offer.percentOff !== undefined && offer.durationMonths !== undefined) {
    return m.offerDiscount(offer.percentOff, offer.durationMonths);
  }
  if (offer.kind === 'pause' && offer.months !== undefined) return m.offerPause(offer.months);
  if (offer.kind === 'downgrade' && offer.plan) {
    const price = context.messages.intervals.price(
      context.format.money(offer.plan.amount),
      offer.plan.interval,
    );
    return m.offerDowngrade(offer.plan.name, price);
  }
  return offer.title;
}
