// Options of the simulator, with Stripe's defaults where Stripe has one.

import type { Duration } from './calendar.js';

/** What happens to a subscription once every retry of a renewal payment has failed. */
export type AfterRetriesExhausted = 'cancel' | 'unpaid' | 'past_due';

export interface StripeSimOptions {
  /** Start of simulated time (Date or unix seconds). @default the real time when the simulator is created */
  now?: Date | number;
  /** The simulated account: its country decides which cards count as domestic for fees. */
  account?: { id?: string; country?: string; defaultCurrency?: string; name?: string };
  /** Secret keys the simulated API accepts. @default any key starting with `sk_test_` or `rk_test_` */
  apiKeys?: string[];
  /** Retries of a failed renewal payment, as offsets from the first failure. */
  retries?: {
    /** @default 7 retries over 14 days: 8 tries within 2 weeks, like Stripe's recommended Smart Retries setting */
    schedule?: Duration[];
    /** @default 'cancel' */
    afterExhausted?: AfterRetriesExhausted;
    /** Mark the last invoice uncollectible once retries are exhausted. @default false */
    markUncollectible?: boolean;
  };
  /** Days before a renewal that `invoice.upcoming` is sent. @default 7 */
  upcomingInvoiceDays?: number;
  /** How long a renewal invoice stays a draft before it is finalized and charged. @default 3600 (Stripe: about an hour) */
  draftFinalizationSeconds?: number;
  /** Webhook deliveries: 'auto' delivers in the background after each call; 'manual' waits for `webhooks.flush()`. @default 'auto' */
  webhookDelivery?: 'auto' | 'manual';
  /** Base URL used for hosted_invoice_url / invoice_pdf links. @default 'https://sim.billkit.dev' */
  publicUrl?: string;
}

export interface ResolvedConfig {
  account: { id: string; country: string; defaultCurrency: string; name: string };
  apiKeys: string[] | undefined;
  retrySchedule: Duration[];
  afterExhausted: AfterRetriesExhausted;
  markUncollectible: boolean;
  upcomingInvoiceDays: number;
  draftFinalizationSeconds: number;
  webhookDelivery: 'auto' | 'manual';
  publicUrl: string;
}

/** 8 tries in 2 weeks: the first attempt plus 7 retries spread over 14 days. */
export const DEFAULT_RETRY_SCHEDULE: Duration[] = [
  { days: 1 },
  { days: 3 },
  { days: 5 },
  { days: 7 },
  { days: 9 },
  { days: 11 },
  { days: 14 },
];

export function resolveConfig(options: StripeSimOptions): ResolvedConfig {
  return {
    account: {
      id: options.account?.id ?? 'acct_1BillkitSimAU00',
      country: options.account?.country ?? 'AU',
      defaultCurrency: options.account?.defaultCurrency ?? 'aud',
      name: options.account?.name ?? 'Billkit Simulated Account',
    },
    apiKeys: options.apiKeys,
    retrySchedule: options.retries?.schedule ?? DEFAULT_RETRY_SCHEDULE,
    afterExhausted: options.retries?.afterExhausted ?? 'cancel',
    markUncollectible: options.retries?.markUncollectible ?? false,
    upcomingInvoiceDays: options.upcomingInvoiceDays ?? 7,
    draftFinalizationSeconds: options.draftFinalizationSeconds ?? 3600,
    webhookDelivery: options.webhookDelivery ?? 'auto',
    publicUrl: options.publicUrl ?? 'https://sim.billkit.dev',
  };
}
