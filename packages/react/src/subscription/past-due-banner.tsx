// The banner a past-due (or unpaid) customer sees first: what is owed, until when access lasts,
// and the two ways out, paying the open invoice now or putting in a new card.

import type { SubscriptionJson } from '@billkit/server/contract';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useInvoices } from '../invoices/use-invoices.js';
import { AddPaymentMethod } from '../payment-methods/add-payment-method.js';
import { useBillingContext } from '../provider/billing-context.js';
import { LiveStatus } from '../ui/live-status.js';
import { type ActionState, useAction } from '../ui/use-action.js';
import { isPastDue } from './subscription-state.js';
import { useSubscription } from './use-subscription.js';

export interface PastDueBannerProps {
  className?: string;
}

/** Shown while the subscription is past due or unpaid; renders only its live region otherwise. */
export function PastDueBanner({ className }: PastDueBannerProps): ReactNode {
  const { subscription } = useSubscription();
  const action = useAction();
  return (
    <div className={['billkit', 'billkit-past-due', className].filter(Boolean).join(' ')}>
      {isPastDue(subscription) ? <PastDueNotice subscription={subscription} action={action} /> : null}
      <LiveStatus outcome={action.outcome} />
    </div>
  );
}

function PastDueNotice({ subscription, action }: { subscription: SubscriptionJson; action: ActionState }) {
  const { messages, format, stripe } = useBillingContext();
  const m = messages.pastDue;
  const headingId = useId();
  const { invoices, pay } = useInvoices();
  const [updatingCard, setUpdatingCard] = useState(false);
  const updateButtonRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const invoiceId = subscription.latestInvoiceId;
  const invoice = invoices?.find((candidate) => candidate.id === invoiceId);
  const grace = subscription.graceUntil ? format.date(subscription.graceUntil) : null;
  const unpaid = subscription.status === 'unpaid';

  useEffect(() => {
    if (!updatingCard && returnFocus.current) {
      returnFocus.current = false;
      updateButtonRef.current?.focus();
    }
  }, [updatingCard]);
  const closeCardForm = () => {
    returnFocus.current = true;
    setUpdatingCard(false);
  };

  const payNow = () =>
    invoiceId &&
    action.run('pay', async () => {
      await pay(invoiceId);
      return m.paid;
    });

  return (
    <section className="billkit-banner billkit-banner--danger" aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {unpaid ? m.unpaidHeading : m.heading}
      </h2>
      <p>{invoice ? m.amountDue(format.money(invoice.amountDue), grace) : m.due(grace)}</p>
      <div className="billkit-actions">
        {invoiceId ? (
          <button
            type="button"
            className="billkit-button billkit-button--primary"
            disabled={action.pending !== null}
            onClick={() => void payNow()}
          >
            {action.pending === 'pay' ? m.paying : m.payNow}
          </button>
        ) : null}
        {stripe !== null && !updatingCard ? (
          <button
            ref={updateButtonRef}
            type="button"
            className="billkit-button"
            onClick={() => {
              action.announce(null);
              setUpdatingCard(true);
            }}
          >
            {m.updateCard}
          </button>
        ) : null}
      </div>
      {updatingCard ? (
        <AddPaymentMethod
          defaultOpen
          onSaved={() => {
            closeCardForm();
            action.announce({ tone: 'success', text: messages.addPaymentMethod.saved });
          }}
          onCancel={closeCardForm}
        />
      ) : null}
    </section>
  );
}
