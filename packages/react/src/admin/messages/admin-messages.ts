// Every text the admin dashboard shows, in English. A host translates by passing `messages` (any
// part of this object) to <AdminProvider>; texts with values in them are small functions.

import type { BillingApiErrorCode } from '../../client/billing-api-error.js';
import type { InvoiceStatus, MrrMovementKind, SubscriptionStatus } from '../wire.js';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function humanize(code: string): string {
  const words = code.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The admin dashboard's English texts; `AdminMessages` is its type. */
export const defaultAdminMessages = {
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    cancel: 'Cancel',
    close: 'Close',
    previous: 'Previous page',
    next: 'Next page',
    page: (page: number) => `Page ${page}`,
    none: '—',
    opensInNewTab: '(opens in a new tab)',
    /** Shown for a figure with nothing to divide by (no customers, no charges). */
    notAvailable: 'n/a',
  },
  errors: {
    generic: 'Something went wrong. Please try again.',
    network: 'We couldn’t reach the billing service. Check your connection and try again.',
    unavailable: 'The billing service isn’t available right now. Please try again in a moment.',
    /** Texts for the server's error codes; a code not listed here shows `generic`. */
    codes: {
      invalid_input: 'Some details aren’t valid. Check them and try again.',
      unauthenticated: 'Your session has ended. Sign in again.',
      forbidden: 'You need to be an administrator to do this.',
      not_found: 'That wasn’t found.',
      customer_not_found: 'That customer wasn’t found.',
      plan_not_found: 'That plan isn’t in the catalog.',
      subscription_not_found: 'This customer has no subscription to change.',
      invoice_not_found: 'That invoice wasn’t found.',
      payment_not_found: 'That payment wasn’t found.',
      dispute_not_found: 'That dispute wasn’t found.',
      payment_method_required: 'The customer has no payment method to charge.',
      card_declined: 'The card was declined.',
      requires_action: 'The customer’s bank wants them to confirm this payment themselves.',
      invalid_state: 'That isn’t possible in the current state.',
      refund_exceeds_refundable: 'That is more than is left to refund on this payment.',
      stripe_unavailable: 'Stripe isn’t available right now. Please try again in a moment.',
      stripe_rejected: 'Stripe rejected the request. Check the details and try again.',
      stripe_error: 'Stripe reported an error. Please try again.',
    } satisfies Partial<Record<BillingApiErrorCode, string>> as Partial<Record<BillingApiErrorCode, string>>,
  },
  status: {
    subscription: {
      trialing: 'Trial',
      active: 'Active',
      past_due: 'Past due',
      unpaid: 'Unpaid',
      canceled: 'Cancelled',
      incomplete: 'Incomplete',
      incomplete_expired: 'Expired',
      paused: 'Paused',
    } satisfies Record<SubscriptionStatus, string>,
    noSubscription: 'No subscription',
    cancelScheduled: 'Ending',
    invoice: {
      draft: 'Draft',
      open: 'Open',
      paid: 'Paid',
      uncollectible: 'Uncollectible',
      void: 'Void',
    } satisfies Record<InvoiceStatus, string>,
    /** Stripe's dispute statuses; another one is shown as it comes. */
    dispute: {
      warning_needs_response: 'Inquiry: needs response',
      warning_under_review: 'Inquiry: under review',
      warning_closed: 'Inquiry closed',
      needs_response: 'Needs response',
      under_review: 'Under review',
      won: 'Won',
      lost: 'Lost',
    } as Partial<Record<string, string>>,
    disputeFallback: humanize,
  },
  range: {
    legend: 'Period',
    months: (count: number) => `Last ${count} months`,
  },
  dashboard: {
    heading: 'Billing overview',
    loading: 'Loading the figures…',
    loadError: 'We couldn’t load the figures.',
    empty: 'No billing activity in this period yet.',
    kpisLabel: 'Key figures',
    mrr: 'MRR',
    mrrHint: 'Monthly recurring revenue, excl. GST',
    arr: 'ARR',
    arrHint: 'MRR × 12',
    payingCustomers: 'Paying customers',
    payingCustomersHint: (total: number) => `${plural(total, 'subscription', 'subscriptions')} in all`,
    churn: 'Churn',
    churnHint: (revenueChurn: string) => `Customers a month; revenue churn ${revenueChurn}`,
    arpu: 'ARPU',
    arpuHint: 'MRR per paying customer',
    ltv: 'LTV',
    ltvHint: 'ARPU ÷ monthly churn',
    paymentSuccess: 'Payment success',
    paymentSuccessHint: 'Charges that succeeded',
    recovery: 'Recovery',
    recoveryHint: (hours: string | null) =>
      hours ? `Failed invoices paid later; ${hours} on average` : 'Failed invoices paid later',
    hours: (hours: number) => `${hours < 10 ? hours.toFixed(1) : Math.round(hours)} h`,
    refunds: 'Refunds',
    refundsHint: (count: number) => plural(count, 'refund', 'refunds'),
    disputes: 'Disputes',
    disputesHint: (count: number, lost: number) => `${plural(count, 'dispute', 'disputes')}, ${lost} lost`,
    netRevenue: 'Net revenue',
    netRevenueHint: (revenue: string, fees: string) => `${revenue} revenue less refunds and ${fees} fees`,
  },
  charts: {
    heading: 'Revenue',
    loading: 'Loading revenue…',
    loadError: 'We couldn’t load the revenue charts.',
    empty: 'No MRR movements in this period yet.',
    movementsTitle: 'MRR movements',
    movementsSummary: (first: string, last: string, net: string) =>
      `Monthly MRR movements from ${first} to ${last}: ${net} net new MRR in all. Gains are stacked above zero, losses below. The table below has every figure.`,
    trendTitle: 'MRR and churn rate',
    trendSummary: (first: string, last: string, from: string, to: string) =>
      `MRR went from ${from} at the end of ${first} to ${to} at the end of ${last}. The table below has every figure.`,
    tableToggle: 'Show the figures as a table',
    tableCaption: 'MRR movements by month',
    month: 'Month',
    series: {
      new: 'New',
      expansion: 'Expansion',
      reactivated: 'Reactivated',
      contraction: 'Contraction',
      churned: 'Churned',
      netNew: 'Net new',
      mrr: 'MRR',
      customers: 'Customers',
      churnRate: 'Churn rate',
    },
  },
  customers: {
    heading: 'Customers',
    searchLabel: 'Search customers',
    searchHint: 'Name, email, user id or Stripe id',
    search: 'Search',
    statusLabel: 'Subscription',
    anyStatus: 'Any status',
    loading: 'Loading customers…',
    loadError: 'We couldn’t load the customers.',
    empty: 'No customers yet.',
    noMatches: 'No customers match this search.',
    tableCaption: 'Customers',
    name: 'Customer',
    email: 'Email',
    status: 'Subscription',
    balance: 'Balance',
    since: 'Customer since',
    unnamed: 'No name',
    open: (name: string) => `Open ${name}`,
    credit: (amount: string) => `${amount} credit`,
    owing: (amount: string) => `${amount} owing`,
    pagination: 'Customer pages',
  },
  detail: {
    loading: 'Loading the customer…',
    loadError: 'We couldn’t load this customer.',
    back: 'Back to customers',
    stripeLink: 'Open in Stripe',
    userId: 'User id',
    stripeId: 'Stripe customer',
    plan: 'Plan',
    noPlan: 'None',
    price: 'Price',
    pricePer: (amount: string, interval: string) => `${amount} / ${interval}`,
    intervals: { day: 'day', week: 'week', month: 'month', year: 'year' } as Record<string, string>,
    renews: 'Renews',
    ends: 'Ends',
    ended: 'Ended',
    trialEnds: 'Trial ends',
    pastDueSince: 'Past due since',
    graceUntil: 'Grace extended to',
    balance: 'Balance',
    noBalance: 'No credit',
    revenue: 'Lifetime revenue',
    refunded: 'Refunded',
    fees: 'Stripe fees',
    customerSince: 'Customer since',
    paymentMethod: 'Payment method',
    noPaymentMethod: 'None saved',
    card: (brand: string, last4: string) => `${brand} ending ${last4}`,
    actionsLabel: 'Actions',
    invoicesHeading: 'Invoices',
    noInvoices: 'No invoices yet.',
    invoicesCaption: 'Invoices',
    invoiceNumber: 'Number',
    invoiceDate: 'Date',
    invoiceTotal: 'Total',
    invoiceStatus: 'Status',
    invoiceRefunded: 'Refunded',
    invoiceActions: 'Actions',
    draftNumber: 'Draft',
    timelineHeading: 'Timeline',
    noTimeline: 'Nothing has happened yet.',
    showMore: (count: number) => `Show ${count} more`,
  },
  timeline: {
    kinds: {
      subscription: 'Subscription',
      invoice: 'Invoice',
      payment: 'Payment',
      refund: 'Refund',
      dispute: 'Dispute',
      credit: 'Credit',
      email: 'Email',
      audit: 'Audit',
    },
    subscriptionStarted: (plan: string) => `Subscribed to ${plan}`,
    subscriptionTrial: (plan: string, until: string) => `Started a trial of ${plan} until ${until}`,
    subscriptionCanceled: (reason: string | null) =>
      reason ? `Subscription cancelled (${reason})` : 'Subscription cancelled',
    subscriptionEnded: 'Subscription ended',
    mrr: {
      new: (amount: string, plan: string) => `New MRR ${amount} on ${plan}`,
      expansion: (amount: string, plan: string) => `Expansion of ${amount} MRR to ${plan}`,
      contraction: (amount: string, plan: string) => `Contraction of ${amount} MRR to ${plan}`,
      churn: (amount: string, plan: string) => `Churned: ${amount} MRR lost from ${plan}`,
      reactivation: (amount: string, plan: string) => `Reactivated on ${plan}: ${amount} MRR`,
    } satisfies Record<MrrMovementKind, (amount: string, plan: string) => string>,
    unknownPlan: 'an unknown plan',
    invoice: (number: string, total: string, status: string) => `Invoice ${number} for ${total} (${status})`,
    paymentSucceeded: (amount: string, card: string | null) =>
      card ? `Payment of ${amount} with ${card} succeeded` : `Payment of ${amount} succeeded`,
    paymentFailed: (amount: string, why: string | null) =>
      why ? `Payment of ${amount} failed: ${why}` : `Payment of ${amount} failed`,
    paymentPending: (amount: string) => `Payment of ${amount} pending`,
    refund: (amount: string, reason: string | null, note: string | null) =>
      [
        `Refunded ${amount}`,
        reason ? ` (${humanize(reason).toLowerCase()})` : '',
        note ? `: ${note}` : '',
      ].join(''),
    disputeOpened: (amount: string, reason: string) =>
      `Dispute opened for ${amount}: ${humanize(reason).toLowerCase()}`,
    disputeClosed: (status: string) => `Dispute closed: ${status}`,
    credit: (amount: string, description: string | null) =>
      description ? `Credit of ${amount}: ${description}` : `Credit of ${amount}`,
    debit: (amount: string, description: string | null) =>
      description ? `Balance debited ${amount}: ${description}` : `Balance debited ${amount}`,
    email: (kind: string, status: string) => `Email “${humanize(kind)}” ${status}`,
    emailStatus: { pending: 'queued', sending: 'sending', sent: 'sent', failed: 'failed' } as Record<
      string,
      string
    >,
    audit: (action: string, actor: string) => `${humanize(action)} by ${actor}`,
  },
  actions: {
    refund: 'Refund',
    refundFor: (invoice: string) => `Refund invoice ${invoice}`,
    grantCredit: 'Grant credit',
    createInvoice: 'One-off invoice',
    retryPayment: 'Retry payment',
    retryPaymentFor: (invoice: string) => `Retry payment of invoice ${invoice}`,
    resendReceipt: 'Resend receipt',
    resendReceiptFor: (invoice: string) => `Resend the receipt of invoice ${invoice}`,
    extendTrial: 'Extend trial',
    extendGrace: 'Extend grace',
    cancel: 'Cancel subscription',
    reactivate: 'Reactivate',
    changePlan: 'Change plan',
    working: 'Working…',
    amountLabel: (currency: string) => `Amount (${currency.toUpperCase()})`,
    amountInvalid: 'Enter an amount greater than zero, like 10.00.',
    amountTooLarge: (max: string) => `No more than ${max}.`,
    required: 'Fill this in.',
    refundDialog: {
      title: (invoice: string) => `Refund invoice ${invoice}`,
      description: (paid: string, refundable: string) => `Paid ${paid}; ${refundable} can still be refunded.`,
      kindLegend: 'How much',
      full: (amount: string) => `Everything left (${amount})`,
      partial: 'Part of it',
      reason: 'Reason',
      reasons: {
        requested_by_customer: 'Requested by the customer',
        duplicate: 'Duplicate payment',
        fraudulent: 'Fraudulent',
      } as Record<string, string>,
      note: 'Note for the audit log (optional)',
      confirm: (amount: string) => `Refund ${amount}`,
      done: (amount: string) => `Refunded ${amount}.`,
    },
    creditDialog: {
      title: 'Grant credit',
      description: 'Credit goes on the customer’s balance and pays for their next invoices first.',
      descriptionLabel: 'Description (the customer sees it)',
      confirm: (amount: string) => `Grant ${amount}`,
      done: (amount: string) => `Granted ${amount} of credit.`,
    },
    invoiceDialog: {
      title: 'One-off invoice',
      description: 'An invoice outside the subscription. Amounts include GST where prices do.',
      itemsLegend: 'Lines',
      itemDescription: (line: number) => `Line ${line} description`,
      itemAmount: (line: number, currency: string) => `Line ${line} amount (${currency.toUpperCase()})`,
      addItem: 'Add a line',
      removeItem: (line: number) => `Remove line ${line}`,
      collectionLegend: 'Collection',
      charge: 'Charge the default payment method now',
      send: 'Send the invoice to be paid',
      daysUntilDue: 'Days until due',
      total: (amount: string) => `Total ${amount}`,
      confirm: (amount: string) => `Create invoice for ${amount}`,
      done: (amount: string) => `Invoice for ${amount} created.`,
    },
    retryDialog: {
      title: (invoice: string) => `Retry payment of invoice ${invoice}`,
      description: (amount: string) => `Charge ${amount} to the customer’s default payment method now.`,
      confirm: (amount: string) => `Charge ${amount}`,
      done: 'The payment went through.',
    },
    receiptDialog: {
      title: (invoice: string) => `Resend the receipt of invoice ${invoice}`,
      description: (email: string) => `The receipt is emailed to ${email} again.`,
      noEmail: 'The receipt is emailed to the customer again.',
      confirm: 'Resend receipt',
      done: 'Receipt sent again.',
    },
    trialDialog: {
      title: 'Extend trial',
      description: (current: string) =>
        `The trial ends on ${current}. The first charge moves to the new date.`,
      until: 'New trial end',
      invalid: (current: string) => `Choose a date after ${current}.`,
      confirm: 'Extend trial',
      done: (until: string) => `Trial extended to ${until}.`,
    },
    graceDialog: {
      title: 'Extend grace',
      description: 'Keeps the customer’s access while their payment is overdue, for this many more days.',
      days: 'Extra days',
      invalid: 'Enter a whole number of days from 1 to 90.',
      confirm: (days: number) => `Extend by ${plural(days, 'day', 'days')}`,
      done: (days: number) => `Grace extended by ${plural(days, 'day', 'days')}.`,
    },
    cancelDialog: {
      title: 'Cancel subscription',
      whenLegend: 'When',
      periodEnd: (date: string) => `At the end of the period (${date})`,
      now: 'Now, without a refund',
      reason: 'Reason for the audit log (optional)',
      confirm: 'Cancel subscription',
      keep: 'Keep subscription',
      doneNow: 'Subscription cancelled.',
      donePeriodEnd: (date: string) => `Subscription ends on ${date}.`,
    },
    reactivateDialog: {
      title: 'Reactivate subscription',
      scheduled: 'Undoes the scheduled cancellation: the subscription renews as before.',
      ended: (plan: string) => `Starts ${plan} again and charges the default payment method.`,
      confirm: 'Reactivate',
      done: 'Subscription reactivated.',
    },
    planDialog: {
      title: 'Change plan',
      description: 'The new plan applies now, without proration; the new price from the next renewal.',
      plan: 'Plan',
      planId: 'Plan id',
      intervalLegend: 'Billing',
      month: 'Monthly',
      year: 'Yearly',
      plansLoading: 'Loading the plans…',
      confirm: 'Change plan',
      done: (plan: string) => `Moved to ${plan}.`,
    },
  },
  disputes: {
    heading: 'Disputes',
    statusLabel: 'Status',
    anyStatus: 'Any status',
    loading: 'Loading disputes…',
    loadError: 'We couldn’t load the disputes.',
    empty: 'No disputes. Good.',
    noMatches: 'No disputes with this status.',
    tableCaption: 'Disputes',
    customer: 'Customer',
    opened: 'Opened',
    reason: 'Reason',
    amount: 'Amount',
    status: 'Status',
    dueBy: 'Evidence due',
    overdue: 'overdue',
    submissions: 'Evidence sent',
    actions: 'Actions',
    markSubmitted: 'Mark evidence submitted',
    markSubmittedFor: (amount: string, customer: string) =>
      `Mark evidence submitted for the ${amount} dispute of ${customer}`,
    unknownCustomer: 'unknown customer',
    confirmTitle: 'Submit the evidence',
    confirmDescription: (amount: string) =>
      `Sends the evidence saved in Stripe’s dashboard to the bank for this ${amount} dispute. It can’t be changed afterwards.`,
    confirm: 'Submit evidence',
    done: 'Evidence submitted.',
    reasonText: humanize,
    pagination: 'Dispute pages',
  },
  reports: {
    heading: 'Reports',
    rangeLegend: 'Period',
    from: 'From',
    to: 'To (not included)',
    period: 'GST periods',
    quarter: 'Quarters',
    month: 'Months',
    apply: 'Show',
    invalidRange: 'The start must be before the end.',
    downloadsHeading: 'Downloads',
    gstCsv: 'GST report (CSV)',
    journalCsv: 'Journal (CSV)',
    gstJson: 'GST report (JSON)',
    recognitionJson: 'Revenue recognition (JSON)',
    gstHeading: 'GST (BAS)',
    gstLoading: 'Loading the GST report…',
    gstError: 'We couldn’t load the GST report.',
    gstCaption: (basis: string) => `GST by period, ${basis} basis`,
    gstPeriod: 'Period',
    g1: 'G1 total sales',
    g2: 'G2 exports',
    gst1A: '1A GST on sales',
    gstRefunds: 'Refunds',
    gstRefundsGst: 'GST in refunds',
    netSales: 'Net sales',
    netGst: 'Net GST',
    total: 'Total',
    recognitionHeading: 'Revenue recognition',
    recognitionLoading: 'Loading revenue recognition…',
    recognitionError: 'We couldn’t load revenue recognition.',
    recognitionCaption: 'Revenue billed, earned and deferred by month (excl. GST)',
    recognitionMonth: 'Month',
    billed: 'Billed',
    refunded: 'Refunded',
    recognized: 'Recognised',
    deferred: 'Deferred at month end',
    empty: 'Nothing in this period.',
  },
};

/** Every text the admin dashboard shows. */
export type AdminMessages = typeof defaultAdminMessages;

type DeepPartial<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Any part of `AdminMessages`: what is left out stays English. */
export type AdminMessagesOverride = DeepPartial<AdminMessages>;

/** The default messages with the host's overrides laid over them. */
export function mergeAdminMessages(overrides: AdminMessagesOverride | undefined): AdminMessages {
  if (!overrides) return defaultAdminMessages;
  return mergeDeep(defaultAdminMessages, overrides) as AdminMessages;
}

function mergeDeep(base: object, overrides: object): object {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
