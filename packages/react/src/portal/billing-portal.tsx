// The whole customer portal on one page, in the order a customer looks for things: a failed
// payment first, then the subscription (and cancelling it), plans, payment methods, invoices and
// the billing address.

import { type ReactNode, useRef } from 'react';
import { BillingAddressForm, type BillingAddressFormProps } from '../billing-address/billing-address-form.js';
import { CancelFlow } from '../cancel/cancel-flow.js';
import { InvoiceHistory, type InvoiceHistoryProps } from '../invoices/invoice-history.js';
import { PaymentMethods, type PaymentMethodsProps } from '../payment-methods/payment-methods.js';
import { PlanPicker, type PlanPickerProps } from '../plans/plan-picker.js';
import { PastDueBanner } from '../subscription/past-due-banner.js';
import { SubscriptionSummary } from '../subscription/subscription-summary.js';

export interface BillingPortalProps {
  planPicker?: Omit<PlanPickerProps, 'className'>;
  paymentMethods?: Omit<PaymentMethodsProps, 'className'>;
  invoiceHistory?: Omit<InvoiceHistoryProps, 'className'>;
  billingAddressForm?: Omit<BillingAddressFormProps, 'className'>;
  className?: string;
}

/** Every part of the portal on one page. Needs a <BillingProvider> above it. */
export function BillingPortal(props: BillingPortalProps): ReactNode {
  const rootRef = useRef<HTMLDivElement>(null);
  // After a cancellation the cancel button is gone; the summary (with Resume) is where focus goes.
  const focusSummary = () =>
    rootRef.current?.querySelector<HTMLElement>('.billkit-summary .billkit-heading')?.focus();
  return (
    <div ref={rootRef} className={['billkit', 'billkit-portal', props.className].filter(Boolean).join(' ')}>
      <PastDueBanner />
      <SubscriptionSummary />
      <CancelFlow onFinished={(outcome) => outcome === 'canceled' && focusSummary()} />
      <PlanPicker {...props.planPicker} />
      <PaymentMethods {...props.paymentMethods} />
      <InvoiceHistory {...props.invoiceHistory} />
      <BillingAddressForm {...props.billingAddressForm} />
    </div>
  );
}
