// Stripe's test payment methods (`pm_card_visa`, ...) and what each does when attached, set up or
// charged, as Stripe's testing docs describe them.

/** How a test card behaves. */
export interface CardProfile {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  country: string;
  funding: 'credit' | 'debit';
  /** A decline when the card is attached or set up (Stripe checks the card then). */
  declineOnAttach?: Decline;
  /** A decline on every charge. */
  declineOnCharge?: Decline;
  /** 3D Secure: 'always' (every payment, off-session fails), 'setup' (once at setup, then off-session works). */
  authentication?: 'always' | 'setup';
  /** A successful charge is disputed right after, with this reason. */
  dispute?: 'fraudulent' | 'product_not_received' | 'inquiry';
  wallet?: 'apple_pay' | 'google_pay';
}

export interface Decline {
  code: string;
  declineCode: string;
  message: string;
  /** Stripe's Smart Retries do not retry hard declines until the payment method changes. */
  hard: boolean;
}

const generic: Decline = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
  hard: false,
};

/** Decline codes Stripe treats as hard declines: retrying the same card cannot succeed. */
export const HARD_DECLINE_CODES = new Set([
  'lost_card',
  'stolen_card',
  'pickup_card',
  'fraudulent',
  'expired_card',
  'incorrect_number',
  'invalid_account',
  'card_not_supported',
  'do_not_honor_permanently',
]);

function decline(code: string, declineCode: string, message: string): Decline {
  return {
    code,
    declineCode,
    message,
    hard: HARD_DECLINE_CODES.has(declineCode) || HARD_DECLINE_CODES.has(code),
  };
}

const visaUS = { brand: 'visa', last4: '4242', country: 'US', funding: 'credit' } as const;

/** Test payment method tokens, by the names Stripe documents (plus two wallet cards of ours). */
export const TEST_CARDS: Record<string, CardProfile> = {
  pm_card_visa: visaUS,
  pm_card_visa_debit: { brand: 'visa', last4: '5556', country: 'US', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', country: 'US', funding: 'credit' },
  pm_card_mastercard_debit: { brand: 'mastercard', last4: '8210', country: 'US', funding: 'debit' },
  pm_card_amex: { brand: 'amex', last4: '8431', country: 'US', funding: 'credit' },
  pm_card_au: { brand: 'visa', last4: '0006', country: 'AU', funding: 'credit' },
  pm_card_nz: { brand: 'visa', last4: '0002', country: 'NZ', funding: 'credit' },
  pm_card_gb: { brand: 'visa', last4: '0000', country: 'GB', funding: 'credit' },
  pm_card_chargeDeclined: { ...visaUS, last4: '0002', declineOnAttach: generic },
  pm_card_chargeDeclinedInsufficientFunds: {
    ...visaUS,
    last4: '9995',
    declineOnAttach: decline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedLostCard: {
    ...visaUS,
    last4: '9987',
    declineOnAttach: decline('card_declined', 'lost_card', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedStolenCard: {
    ...visaUS,
    last4: '9979',
    declineOnAttach: decline('card_declined', 'stolen_card', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedExpiredCard: {
    ...visaUS,
    last4: '0069',
    declineOnAttach: decline('expired_card', 'expired_card', 'Your card has expired.'),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    ...visaUS,
    last4: '0127',
    declineOnAttach: decline('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."),
  },
  pm_card_chargeDeclinedProcessingError: {
    ...visaUS,
    last4: '0119',
    declineOnAttach: decline(
      'processing_error',
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
    ),
  },
  pm_card_chargeDeclinedFraudulent: {
    ...visaUS,
    last4: '0019',
    declineOnAttach: decline('card_declined', 'fraudulent', 'Your card was declined.'),
  },
  // Attaching succeeds; every charge then fails. The usual way to test failed renewals.
  pm_card_chargeCustomerFail: { ...visaUS, last4: '0341', declineOnCharge: generic },
  pm_card_authenticationRequired: { ...visaUS, last4: '3184', authentication: 'always' },
  pm_card_authenticationRequiredOnSetup: { ...visaUS, last4: '3155', authentication: 'setup' },
  pm_card_threeDSecure2Required: { ...visaUS, last4: '3220', authentication: 'always' },
  pm_card_createDispute: { ...visaUS, last4: '0259', dispute: 'fraudulent' },
  pm_card_createDisputeProductNotReceived: { ...visaUS, last4: '2685', dispute: 'product_not_received' },
  pm_card_createDisputeInquiry: { ...visaUS, last4: '1976', dispute: 'inquiry' },
  // Wallet cards: not Stripe tokens, but how a card paid through Apple Pay / Google Pay looks.
  pm_card_visa_applePay: { ...visaUS, last4: '4242', wallet: 'apple_pay' },
  pm_card_mastercard_googlePay: {
    brand: 'mastercard',
    last4: '4444',
    country: 'US',
    funding: 'credit',
    wallet: 'google_pay',
  },
};

/** `tok_visa` style card tokens map onto the same profiles. */
export function cardForToken(token: string): CardProfile | undefined {
  if (TEST_CARDS[token]) return TEST_CARDS[token];
  const match = /^tok_(.+)$/.exec(token);
  if (!match) return undefined;
  return TEST_CARDS[`pm_card_${match[1]}`];
}
