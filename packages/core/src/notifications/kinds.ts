// What Billkit tells people, and what each message carries. The engine writes these into the
// outbox (data is stored as JSON: dates are ISO strings, money is minor units + currency); a
// Notifier (emailNotifier, or the host's own) turns them into messages.

/** Messages to the customer. */
export interface CustomerNotificationData {
  /** A subscription started (first payment made, or a trial began). */
  welcome: {
    subscriptionId: string;
    planId: string | null;
    planName: string;
    status: string;
    amount: number;
    currency: string;
    interval: string;
    /** ISO date, when the subscription is trialing. */
    trialEnd: string | null;
    portalUrl: string | null;
  };
  /** An invoice was paid: the receipt. The invoice PDF is attached when the email is sent. */
  receipt: {
    invoiceId: string;
    number: string | null;
    amountPaid: number;
    /** GST (or other tax) in the amount, minor units. */
    tax: number;
    taxLabel: string;
    currency: string;
    /** ISO date. */
    paidAt: string;
    lines: Array<{ description: string; amount: number }>;
    portalUrl: string | null;
  };
  /** A payment of an invoice failed; `final` when no retry is left. */
  'payment.failed': {
    invoiceId: string;
    number: string | null;
    amountDue: number;
    currency: string;
    attempt: number;
    /** ISO date of the next automatic retry, or null when none is scheduled. */
    nextAttemptAt: string | null;
    failureMessage: string | null;
    /** Where the customer fixes it: the host's portal, else Stripe's hosted invoice page. */
    fixUrl: string | null;
    final: boolean;
  };
  /** The bank wants the customer to confirm a payment (3D Secure). */
  'payment.action_required': {
    invoiceId: string;
    number: string | null;
    amountDue: number;
    currency: string;
    /** Where the customer confirms: the host's portal, else Stripe's hosted invoice page. */
    confirmUrl: string | null;
  };
  /** An invoice that had failed is paid now. */
  'payment.recovered': {
    invoiceId: string;
    number: string | null;
    amountPaid: number;
    currency: string;
    portalUrl: string | null;
  };
  /** A cancellation was scheduled for the period end. */
  'subscription.cancel_scheduled': {
    subscriptionId: string;
    planName: string;
    /** ISO date access ends. */
    endsAt: string | null;
    portalUrl: string | null;
  };
  /** The subscription has ended. `reason`: 'requested' by the customer, 'payment_failed', ... */
  'subscription.canceled': {
    subscriptionId: string;
    planName: string;
    /** ISO date. */
    endedAt: string | null;
    reason: string;
    portalUrl: string | null;
  };
  'trial.ending': {
    subscriptionId: string;
    planName: string;
    /** ISO date. */
    trialEnd: string;
    amount: number;
    currency: string;
    portalUrl: string | null;
  };
  /** The default card expires at the end of this or next month. */
  'card.expiring': {
    paymentMethodId: string;
    brand: string | null;
    last4: string | null;
    expMonth: number;
    expYear: number;
    updateUrl: string | null;
  };
  'refund.issued': {
    refundId: string;
    amount: number;
    currency: string;
    /** GST refunded within `amount` (adjustment note), minor units. */
    tax: number;
    /** What the tax is called: 'GST', 'Tax'. */
    taxLabel: string;
    invoiceId: string | null;
    invoiceNumber: string | null;
    reason: string | null;
  };
  /** A renewal is coming (Stripe's invoice.upcoming). */
  'invoice.upcoming': {
    amountDue: number;
    currency: string;
    /** ISO date of the renewal. */
    date: string;
    portalUrl: string | null;
  };
}

/** Messages to the host's operators (`createBilling({ notifications: { adminEmails } })`). */
export interface AdminNotificationData {
  'dispute.opened': {
    disputeId: string;
    chargeId: string;
    amount: number;
    currency: string;
    reason: string;
    /** ISO date evidence is due. */
    evidenceDueBy: string | null;
    /** The customer who disputed. */
    customerUserId: string | null;
    customerEmail: string | null;
    dashboardUrl: string;
  };
}

export type NotificationDataByKind = CustomerNotificationData & AdminNotificationData;
export type NotificationKind = keyof NotificationDataByKind;

export const ADMIN_KINDS: ReadonlySet<string> = new Set<keyof AdminNotificationData>(['dispute.opened']);
