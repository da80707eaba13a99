// The saved payment methods: brand, last four digits, expiry and the default badge; make another
// one the default, remove one after a confirmation, and add a new one through Stripe.

import type { PaymentMethodJson } from '@billkit/server/contract';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { LiveStatus } from '../ui/live-status.js';
import { QueryStatus } from '../ui/query-status.js';
import { sectionClass } from '../ui/section-class.js';
import { StatusBadge } from '../ui/status-badge.js';
import { type ActionState, useAction } from '../ui/use-action.js';
import { AddPaymentMethod, type AddPaymentMethodProps } from './add-payment-method.js';
import { paymentMethodLabel, walletLabel } from './payment-method-label.js';
import { type UsePaymentMethodsResult, usePaymentMethods } from './use-payment-methods.js';

export interface PaymentMethodsProps {
  /** Passed to the <AddPaymentMethod> under the list. */
  addPaymentMethod?: Omit<AddPaymentMethodProps, 'className'>;
  className?: string;
}

/** The list of saved payment methods with their actions, and <AddPaymentMethod> below it. */
export function PaymentMethods({ addPaymentMethod, className }: PaymentMethodsProps): ReactNode {
  const context = useBillingContext();
  const m = context.messages.paymentMethods;
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const query = usePaymentMethods();
  const action = useAction();

  return (
    <section className={sectionClass('billkit-payment-methods', className)} aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="billkit-heading">
        {m.heading}
      </h2>
      <QueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {query.paymentMethods?.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {query.paymentMethods && query.paymentMethods.length > 0 ? (
        <ul className="billkit-list billkit-payment-method-list">
          {query.paymentMethods.map((method) => (
            <PaymentMethodItem
              key={method.id}
              context={context}
              method={method}
              query={query}
              action={action}
              onRemoved={() => headingRef.current?.focus()}
            />
          ))}
        </ul>
      ) : null}
      <LiveStatus outcome={action.outcome} />
      <AddPaymentMethod {...addPaymentMethod} />
    </section>
  );
}

interface ItemProps {
  context: BillingContextValue;
  method: PaymentMethodJson;
  query: UsePaymentMethodsResult;
  action: ActionState;
  onRemoved(): void;
}

function PaymentMethodItem({ context, method, query, action, onRemoved }: ItemProps): ReactNode {
  const { messages } = context;
  const m = messages.paymentMethods;
  const labelId = useId();
  const removeButtonRef = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  const returnFocus = useRef(false);
  const label = paymentMethodLabel(method, messages);
  const wallet = walletLabel(method, messages);
  const busy = action.pending !== null;

  const makeDefault = () =>
    action.run(`default:${method.id}`, async () => {
      await query.setDefault(method.id);
      return m.madeDefault(label);
    });
  const remove = async () => {
    const removed = await action.run(`remove:${method.id}`, async () => {
      await query.remove(method.id);
      return m.removed(label);
    });
    if (removed) onRemoved();
    else closeConfirmation();
  };
  const closeConfirmation = () => {
    returnFocus.current = true;
    setConfirming(false);
  };

  useEffect(() => {
    if (!confirming && returnFocus.current) {
      returnFocus.current = false;
      removeButtonRef.current?.focus();
    }
  }, [confirming]);

  return (
    <li className="billkit-list-item billkit-payment-method">
      <div className="billkit-payment-method-info">
        <span id={labelId} className="billkit-payment-method-label">
          {label}
        </span>
        {wallet ? <span className="billkit-payment-method-wallet">{wallet}</span> : null}
        {method.expMonth && method.expYear ? (
          <span className="billkit-payment-method-expiry">{m.expires(method.expMonth, method.expYear)}</span>
        ) : null}
        {method.isDefault ? <StatusBadge tone="info">{m.default}</StatusBadge> : null}
      </div>
      {confirming ? (
        <fieldset className="billkit-confirm">
          <legend>{m.removeQuestion(label)}</legend>
          <div className="billkit-actions">
            <button
              type="button"
              className="billkit-button billkit-button--danger"
              // The question appears where the Remove button was; focus follows it.
              // biome-ignore lint/a11y/noAutofocus: moves focus into the confirmation the user just opened
              autoFocus
              disabled={busy}
              onClick={() => void remove()}
            >
              {m.removeConfirm}
            </button>
            <button
              type="button"
              className="billkit-button billkit-button--quiet"
              onClick={closeConfirmation}
            >
              {m.removeKeep}
            </button>
          </div>
        </fieldset>
      ) : (
        <div className="billkit-actions">
          {method.isDefault ? null : (
            <button
              type="button"
              className="billkit-button"
              aria-describedby={labelId}
              disabled={busy}
              onClick={() => void makeDefault()}
            >
              {m.makeDefault}
            </button>
          )}
          <button
            ref={removeButtonRef}
            type="button"
            className="billkit-button billkit-button--quiet"
            aria-describedby={labelId}
            disabled={busy}
            onClick={() => {
              action.announce(null);
              setConfirming(true);
            }}
          >
            {m.remove}
          </button>
        </div>
      )}
    </li>
  );
}
