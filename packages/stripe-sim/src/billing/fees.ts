// Stripe's processing fees on Australian standard pricing, with GST included as Stripe bills it:
// 1.7% + A$0.30 for domestic cards, 3.5% + A$0.30 for international cards, A$25 per dispute.

export interface FeeBreakdown {
  total: number;
  details: Array<{ amount: number; application: null; currency: string; description: string; type: string }>;
}

const FIXED_FEE: Record<string, number> = { aud: 30, usd: 30, nzd: 30, eur: 25, gbp: 20 };
const DISPUTE_FEE: Record<string, number> = { aud: 2500, usd: 1500, nzd: 2500, eur: 2000, gbp: 2000 };

/** The fee Stripe takes from a card payment, split into the processing fee and the GST on it. */
export function cardFee(
  amount: number,
  currency: string,
  cardCountry: string | null,
  accountCountry: string,
): FeeBreakdown {
  const domestic = cardCountry === accountCountry;
  const rate = domestic ? 0.017 : 0.035;
  const total = Math.round(amount * rate) + (FIXED_FEE[currency] ?? 30);
  return splitGst(total, currency, accountCountry, 'Stripe processing fees');
}

/** Stripe's dispute fee, GST included for Australian accounts. */
export function disputeFee(currency: string, accountCountry: string): FeeBreakdown {
  return splitGst(DISPUTE_FEE[currency] ?? 2500, currency, accountCountry, 'Dispute fee');
}

function splitGst(
  total: number,
  currency: string,
  accountCountry: string,
  description: string,
): FeeBreakdown {
  if (accountCountry !== 'AU') {
    return {
      total,
      details: [{ amount: total, application: null, currency, description, type: 'stripe_fee' }],
    };
  }
  const gst = Math.round(total / 11);
  return {
    total,
    details: [
      { amount: total - gst, application: null, currency, description, type: 'stripe_fee' },
      { amount: gst, application: null, currency, description: 'GST', type: 'tax' },
    ],
  };
}
