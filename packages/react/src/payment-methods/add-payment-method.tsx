// Adding a card (or wallet, or bank debit) the way Stripe wants it done: a SetupIntent from the
// server, Stripe's Payment Element to collect the details (they never touch the host), then
// `stripe.confirmSetup` (which also runs any 3D Secure challenge), then the new method becomes the
// default on the server and the list refetches.

import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { StripeElementsOptionsClientSecret } from '@stripe/stripe-js';
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { BillingApiError } from '../client/billing-api-error.js';
import { describeError } from '../messages/describe-error.js';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { LiveStatus } from '../ui/live-status.js';
import { StepHeading } from '../ui/step-heading.js';
import { type ActionState, useAction } from '../ui/use-action.js';
import { usePaymentMethods } from './use-payment-methods.js';

export interface AddPaymentMethodProps {
  /** Open the form at once instead of showing the "Add a payment method" button first. */
  defaultOpen?: boolean;
  /** After the new method is saved and made the default. */
  onSaved?(paymentMethodId: string): void;
  /** When the customer closes the form without saving. */
  onCancel?(): void;
  /**
   * Where Stripe returns the customer after a redirect-based method (most cards never redirect).
   * @default the current page
   */
  returnUrl?: string;
  className?: string;
}

/** A button that opens Stripe's Payment Element; saving makes the new method the default. */
export function AddPaymentMethod(props: AddPaymentMethodProps): ReactNode {
  const context = useBillingContext();
  const m = context.messages.addPaymentMethod;
  const action = useAction();
  const [open, setOpen] = useState(props.defaultOpen ?? false);
  const openButtonRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (!open && returnFocus.current) {
      returnFocus.current = false;
      openButtonRef.current?.focus();
    }
  }, [open]);

  const close = () => {
    returnFocus.current = true;
    setOpen(false);
  };

  return (
    <div className={['billkit-add-payment-method', props.className].filter(Boolean).join(' ')}>
      {context.stripe === null ? <p className="billkit-note">{m.unavailable}</p> : null}
      {context.stripe !== null && !open ? (
        <button
          ref={openButtonRef}
          type="button"
          className="billkit-button"
          onClick={() => {
            action.announce(null);
            setOpen(true);
          }}
        >
          {m.open}
        </button>
      ) : null}
      {context.stripe !== null && open ? (
        <SetupForm
          context={context}
          action={action}
          returnUrl={props.returnUrl}
          onSaved={(id) => {
            close();
            props.onSaved?.(id);
          }}
          onCancel={() => {
            action.announce(null);
            close();
            props.onCancel?.();
          }}
        />
      ) : null}
      <LiveStatus outcome={action.outcome} />
    </div>
  );
}

interface SetupFormProps {
  context: BillingContextValue;
  action: ActionState;
  returnUrl: string | undefined;
  onSaved(paymentMethodId: string): void;
  onCancel(): void;
}

type SetupState =
  | { state: 'creating' }
  | { state: 'failed'; error: unknown }
  | { state: 'ready'; clientSecret: string };

function SetupForm({ context, action, returnUrl, onSaved, onCancel }: SetupFormProps): ReactNode {
  const m = context.messages.addPaymentMethod;
  const headingId = useId();
  const { createSetupIntent } = usePaymentMethods();
  const [setup, setSetup] = useState<SetupState>({ state: 'creating' });
  const [attempt, setAttempt] = useState(0);
  // One SetupIntent per opening, also under StrictMode's double effects.
  const requested = useRef(-1);

  useEffect(() => {
    if (requested.current === attempt) return;
    requested.current = attempt;
    setSetup({ state: 'creating' });
    createSetupIntent().then(
      (intent) => setSetup({ state: 'ready', clientSecret: intent.clientSecret }),
      (error: unknown) => setSetup({ state: 'failed', error }),
    );
  }, [createSetupIntent, attempt]);

  const options = useMemo<StripeElementsOptionsClientSecret | null>(
    () =>
      setup.state === 'ready'
        ? {
            clientSecret: setup.clientSecret,
            ...(context.appearance ? { appearance: context.appearance } : {}),
          }
        : null,
    [setup, context.appearance],
  );

  return (
    <section className="billkit-panel billkit-setup" aria-labelledby={headingId}>
      <StepHeading id={headingId}>{m.heading}</StepHeading>
      <div className="billkit-live" role="status" aria-live="polite">
        {setup.state === 'creating' ? <p className="billkit-loading">{m.preparing}</p> : null}
        {setup.state === 'failed' ? (
          <p className="billkit-message billkit-message--error">
            {m.prepareError} {describeError(setup.error, context.messages)}
          </p>
        ) : null}
      </div>
      {options ? (
        <Elements key={options.clientSecret} stripe={context.stripe} options={options}>
          <PaymentForm
            context={context}
            action={action}
            returnUrl={returnUrl}
            onSaved={onSaved}
            onCancel={onCancel}
          />
        </Elements>
      ) : (
        <div className="billkit-actions">
          {setup.state === 'failed' ? (
            <button type="button" className="billkit-button" onClick={() => setAttempt((n) => n + 1)}>
              {context.messages.common.retry}
            </button>
          ) : null}
          <button type="button" className="billkit-button billkit-button--quiet" onClick={onCancel}>
            {m.cancel}
          </button>
        </div>
      )}
    </section>
  );
}

function PaymentForm({ context, action, returnUrl, onSaved, onCancel }: SetupFormProps): ReactNode {
  const m = context.messages.addPaymentMethod;
  const stripe = useStripe();
  const elements = useElements();
  const { setDefault } = usePaymentMethods();
  const [ready, setReady] = useState(false);
  // A SetupIntent confirms once: when making it the default fails, "Save" retries only that.
  const confirmedId = useRef<string | null>(null);

  const confirm = async (): Promise<string> => {
    if (confirmedId.current) return confirmedId.current;
    if (!stripe || !elements) throw new BillingApiError({ code: 'stripe_js_error', status: 0, message: '' });
    const result = await stripe.confirmSetup({
      elements,
      redirect: 'if_required',
      confirmParams: { return_url: returnUrl ?? window.location.href },
    });
    if (result.error) {
      throw new BillingApiError({
        code: 'stripe_js_error',
        status: 0,
        message: result.error.message ?? '',
        declineCode: result.error.decline_code ?? null,
      });
    }
    const method = result.setupIntent.payment_method;
    const id = typeof method === 'string' ? method : method?.id;
    if (!id) throw new BillingApiError({ code: 'stripe_js_error', status: 0, message: '' });
    confirmedId.current = id;
    return id;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let savedId: string | null = null;
    await action.run('save', async () => {
      const id = await confirm();
      await setDefault(id);
      savedId = id;
      return m.saved;
    });
    if (savedId) onSaved(savedId);
  };

  return (
    <form className="billkit-setup-form" onSubmit={submit}>
      <p className="billkit-note">{m.secureNote}</p>
      <PaymentElement className="billkit-payment-element" onReady={() => setReady(true)} />
      <div className="billkit-actions">
        <button
          type="submit"
          className="billkit-button billkit-button--primary"
          disabled={!stripe || !elements || !ready || action.pending !== null}
        >
          {action.pending === 'save' ? m.saving : m.save}
        </button>
        <button type="button" className="billkit-button billkit-button--quiet" onClick={onCancel}>
          {m.cancel}
        </button>
      </div>
    </form>
  );
}
