// Every text the portal shows, in English. A host translates by passing `messages` (any part of this
// object) to <BillingProvider>; texts with values in them are small functions.

import type {
  CancellationFeedback,
  IntervalJson,
  InvoiceJson,
  SubscriptionJson,
} from '@billkit/server/contract';
import type { BillingApiErrorCode } from '../client/billing-api-error.js';

type SubscriptionStatus = SubscriptionJson['status'];
type InvoiceStatus = InvoiceJson['status'];

const intervalNouns: Record<IntervalJson, [one: string, many: string]> = {
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  year: ['year', 'years'],
};

function months(count: number): string {
  return count === 1 ? '1 month' : `${count} months`;
}

/** The portal's English texts; `BillingMessages` is its type. */
export const defaultMessages = {
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    done: 'Done',
    back: 'Back',
  },
  errors: {
    generic: 'Something went wrong. Please try again.',
    network: 'We couldn’t reach the billing service. Check your connection and try again.',
    unavailable: 'The billing service isn’t available right now. Please try again in a moment.',
    /** Texts for the server's error codes; a code not listed here shows `generic`. */
    codes: {
      invalid_input: 'Some details aren’t valid. Check them and try again.',
      unauthenticated: 'Your session has ended. Sign in again to manage billing.',
      forbidden: 'You can’t manage billing for this account.',
      plan_not_found: 'That plan isn’t available any more.',
      subscription_not_found: 'You don’t have a subscription to change.',
      payment_method_not_found: 'That payment method wasn’t found.',
      payment_method_required: 'Add a payment method first.',
      last_payment_method:
        'You can’t remove your only payment method while your subscription is active. Add another one first.',
      already_subscribed: 'You already have a subscription.',
      card_declined: 'Your card was declined. Try another payment method.',
      requires_action: 'Your bank needs you to confirm this payment.',
      invoice_not_found: 'That invoice wasn’t found.',
      offer_not_found: 'That offer isn’t available any more.',
      invalid_state: 'That isn’t possible for your subscription right now.',
      stripe_unavailable: 'Our payment provider isn’t available right now. Please try again in a moment.',
      stripe_rejected:
        'Our payment provider couldn’t accept that request. Please check the details and try again.',
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
    /** Shown instead of the status while a cancellation is scheduled. */
    cancelScheduled: 'Ending',
    invoice: {
      draft: 'Draft',
      open: 'Open',
      paid: 'Paid',
      uncollectible: 'Uncollectible',
      void: 'Void',
    } satisfies Record<InvoiceStatus, string>,
  },
  intervals: {
    /** The toggle's labels. */
    names: { day: 'Daily', week: 'Weekly', month: 'Monthly', year: 'Yearly' } satisfies Record<
      IntervalJson,
      string
    >,
    /** "A$10.00 per month", "A$30.00 every 3 months". */
    price: (amount: string, interval: IntervalJson, count = 1) => {
      const [one, many] = intervalNouns[interval];
      return count === 1 ? `${amount} per ${one}` : `${amount} every ${count} ${many}`;
    },
  },
  summary: {
    heading: 'Your subscription',
    loading: 'Loading your subscription…',
    loadError: 'We couldn’t load your subscription.',
    none: 'You don’t have a subscription yet.',
    noneHint: 'Choose a plan to get started.',
    status: 'Status',
    plan: 'Plan',
    price: 'Price',
    nextCharge: 'Next charge',
    /** "A$10.00 incl. GST A$0.91 on 15 February 2026" */
    nextChargeText: (charge: { amount: string; tax: string | null; taxLabel: string; date: string }) =>
      charge.tax
        ? `${charge.amount} incl. ${charge.taxLabel} ${charge.tax} on ${charge.date}`
        : `${charge.amount} on ${charge.date}`,
    noNextCharge: 'No further charges are scheduled.',
    trialEnds: (date: string) => `Your free trial ends on ${date}.`,
    pastDue: (date: string) => `Your last payment failed. You keep access until ${date} while we retry.`,
    pastDueNoDate: 'Your last payment failed.',
    unpaid: 'Your subscription is unpaid, so access is suspended until the open invoice is paid.',
    incomplete: 'Your first payment hasn’t gone through yet.',
    cancelScheduled: (date: string) =>
      `Your subscription is cancelled and ends on ${date}. You keep access until then.`,
    resume: 'Resume subscription',
    resuming: 'Resuming…',
    resumed: 'Your subscription will carry on as before.',
    canceled: (date: string) => `Your subscription ended on ${date}.`,
    canceledNoDate: 'Your subscription has ended.',
    paused: 'Payments are paused. Your plan carries on by itself when the pause ends.',
    scheduledChange: (planName: string, date: string) => `You move to ${planName} on ${date}.`,
  },
  plans: {
    heading: 'Plans',
    loading: 'Loading plans…',
    loadError: 'We couldn’t load the plans.',
    empty: 'No plans are available for this billing period.',
    intervalLegend: 'Billing period',
    current: 'Current plan',
    scheduled: (date: string) => `Starts ${date}`,
    choose: (planName: string) => `Choose ${planName}`,
    trial: (days: number) => `${days}-day free trial`,
    features: (planName: string) => `${planName} features`,
    previewHeading: (planName: string) => `Review your change to ${planName}`,
    previewLoading: 'Working out the price…',
    previewError: 'We couldn’t work out the price of this change.',
    description: 'Description',
    amount: 'Amount',
    dueNow: 'Due now',
    nothingDueNow: 'Nothing to pay now.',
    nextRenewal: (date: string) => `Next renewal on ${date}`,
    downgradeNote: (date: string) => `You keep your current plan until ${date}, then move to the new one.`,
    confirmChange: 'Confirm change',
    changing: 'Changing your plan…',
    keepCurrent: 'Keep current plan',
    changed: (planName: string) => `Your plan is now ${planName}.`,
    changeScheduled: (planName: string, date: string) => `You’ll move to ${planName} on ${date}.`,
    startHeading: (planName: string) => `Start ${planName}`,
    startPrice: (price: string) => `You’ll pay ${price}, charged to your default payment method.`,
    startTrial: (days: number, price: string) => `Free for ${days} days, then ${price}.`,
    confirmStart: 'Start subscription',
    starting: 'Starting your subscription…',
    started: (planName: string) => `Your ${planName} subscription has started.`,
    back: 'Back to plans',
  },
  paymentMethods: {
    heading: 'Payment methods',
    loading: 'Loading payment methods…',
    loadError: 'We couldn’t load your payment methods.',
    empty: 'You have no saved payment methods.',
    /** "Visa ending in 4242" */
    label: (brand: string, last4: string | null) => (last4 ? `${brand} ending in ${last4}` : brand),
    brands: {
      visa: 'Visa',
      mastercard: 'Mastercard',
      amex: 'American Express',
      discover: 'Discover',
      diners: 'Diners Club',
      jcb: 'JCB',
      unionpay: 'UnionPay',
      eftpos_au: 'eftpos',
    } as Partial<Record<string, string>>,
    types: {
      card: 'Card',
      au_becs_debit: 'BECS Direct Debit',
      link: 'Link',
      paypal: 'PayPal',
    } as Partial<Record<string, string>>,
    wallets: { apple_pay: 'Apple Pay', google_pay: 'Google Pay', link: 'Link' } as Partial<
      Record<string, string>
    >,
    viaWallet: (wallet: string) => `via ${wallet}`,
    expires: (month: number, year: number) => `Expires ${String(month).padStart(2, '0')}/${year}`,
    default: 'Default',
    makeDefault: 'Make default',
    madeDefault: (label: string) => `${label} is now your default payment method.`,
    remove: 'Remove',
    removeQuestion: (label: string) => `Remove ${label}?`,
    removeConfirm: 'Yes, remove',
    removeKeep: 'Keep',
    removed: (label: string) => `${label} was removed.`,
  },
  addPaymentMethod: {
    open: 'Add a payment method',
    heading: 'Add a payment method',
    preparing: 'Preparing a secure form…',
    prepareError: 'We couldn’t open the payment form.',
    secureNote: 'Your details go straight to our payment provider, Stripe; they never reach our servers.',
    save: 'Save payment method',
    saving: 'Saving…',
    cancel: 'Cancel',
    saved: 'Your new payment method is saved and set as your default.',
    unavailable: 'Adding a payment method isn’t available right now.',
  },
  invoices: {
    heading: 'Invoices',
    loading: 'Loading invoices…',
    loadError: 'We couldn’t load your invoices.',
    empty: 'You have no invoices yet.',
    date: 'Date',
    number: 'Invoice',
    amount: 'Amount',
    status: 'Status',
    download: 'PDF',
    draftNumber: 'Draft',
    downloadPdf: 'Download PDF',
    downloadPdfFor: (number: string) => `Download PDF for invoice ${number}`,
    pagination: 'Invoice pages',
    previous: 'Previous page',
    next: 'Next page',
    page: (page: number) => `Page ${page}`,
  },
  pastDue: {
    heading: 'Your payment failed',
    unpaidHeading: 'Your subscription is unpaid',
    amountDue: (amount: string, date: string | null) =>
      date
        ? `${amount} is overdue. Pay now or update your card to keep access after ${date}.`
        : `${amount} is overdue. Pay now or update your card to keep your subscription.`,
    due: (date: string | null) =>
      date
        ? `A payment is overdue. Pay now or update your card to keep access after ${date}.`
        : 'A payment is overdue. Pay now or update your card to keep your subscription.',
    updateCard: 'Update card',
    payNow: 'Pay now',
    paying: 'Paying…',
    paid: 'Thank you, your payment went through.',
  },
  address: {
    heading: 'Billing address',
    loading: 'Loading your billing address…',
    loadError: 'We couldn’t load your billing address.',
    name: 'Name',
    line1: 'Street address',
    line2: 'Address line 2 (optional)',
    city: 'City or suburb',
    state: 'State',
    region: 'State or region (optional)',
    chooseState: 'Choose a state',
    postalCode: 'Postcode',
    country: 'Country',
    chooseCountry: 'Choose a country',
    business: 'I’m buying for a business',
    abn: 'ABN',
    abnHint: 'Your 11-digit Australian Business Number.',
    save: 'Save address',
    saving: 'Saving…',
    saved: 'Your billing address is saved.',
    fixErrors: (count: number) =>
      count === 1 ? 'Fix 1 field to continue.' : `Fix ${count} fields to continue.`,
    errors: {
      name: 'Enter your name.',
      line1: 'Enter your street address.',
      city: 'Enter your city or suburb.',
      state: 'Choose your state.',
      postalCode: 'Enter your postcode.',
      postalCodeAu: 'An Australian postcode has 4 digits.',
      country: 'Choose your country.',
      abnRequired: 'Enter your ABN, or untick “I’m buying for a business”.',
      abnDigits: 'An ABN has 11 digits.',
      abnChecksum: 'This ABN isn’t valid. Check the digits.',
    },
    auStates: {
      ACT: 'Australian Capital Territory',
      NSW: 'New South Wales',
      NT: 'Northern Territory',
      QLD: 'Queensland',
      SA: 'South Australia',
      TAS: 'Tasmania',
      VIC: 'Victoria',
      WA: 'Western Australia',
    },
  },
  cancel: {
    open: 'Cancel subscription',
    reasonHeading: 'Why are you cancelling?',
    reasonIntro: 'Your answer helps us improve. It’s optional.',
    reasonLegend: 'Main reason',
    reasons: {
      too_expensive: 'It’s too expensive',
      missing_features: 'It’s missing features I need',
      switched_service: 'I’m switching to another service',
      unused: 'I don’t use it enough',
      customer_service: 'Customer service didn’t meet my expectations',
      too_complex: 'It’s too complicated',
      low_quality: 'The quality didn’t meet my expectations',
      other: 'Another reason',
    } satisfies Record<CancellationFeedback, string>,
    comment: 'Anything else you’d like to tell us? (optional)',
    continue: 'Continue',
    keep: 'Keep my subscription',
    offersHeading: 'Before you go',
    offersIntro: 'Would one of these help?',
    offersLoading: 'Looking for offers…',
    offerDiscount: (percentOff: number, durationMonths: number) =>
      `${percentOff}% off for ${months(durationMonths)}`,
    offerPause: (count: number) => `Pause for ${months(count)}`,
    offerDowngrade: (planName: string, price: string) => `Switch to ${planName} for ${price}`,
    accept: 'Accept offer',
    accepting: 'Applying…',
    decline: 'No thanks, continue cancelling',
    acceptedHeading: 'Thanks for staying',
    accepted: (offerTitle: string) => `${offerTitle}: it’s applied to your subscription.`,
    confirmHeading: 'Confirm cancellation',
    confirmText: (date: string) =>
      `Your subscription will end on ${date}. You keep access until then and won’t be charged again.`,
    confirmTextNoDate: 'Your subscription will end with the current billing period.',
    confirm: 'Confirm cancellation',
    cancelling: 'Cancelling…',
    doneHeading: 'Your subscription is cancelled',
    doneText: (date: string) => `You have access until ${date}. You can resume any time before then.`,
    doneTextNoDate: 'You can resume any time before the current period ends.',
  },
};

/** Every text the portal shows. */
export type BillingMessages = typeof defaultMessages;

type DeepPartial<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Any part of `BillingMessages`: what is left out stays English. */
export type BillingMessagesOverride = DeepPartial<BillingMessages>;

/** The default messages with the host's overrides laid over them. */
export function mergeMessages(overrides: BillingMessagesOverride | undefined): BillingMessages {
  if (!overrides) return defaultMessages;
  return mergeDeep(defaultMessages, overrides) as BillingMessages;
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
