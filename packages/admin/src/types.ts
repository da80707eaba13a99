// What the admin API answers. Money is integer minor units of `currency`, GST excluded unless a
// field says otherwise; rates are fractions from 0 to 1 (null when there is nothing to divide by);
// months are 'YYYY-MM' (UTC); instants are Dates here and ISO strings over HTTP.

import type {
  AuditEntry,
  CreditRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  MrrMovementRecord,
  OutboxMessageRecord,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  SubscriptionStatus,
} from '@billkit/core';

/** One month of MRR movements, and where MRR stood at its end. */
export interface MrrMonth {
  /** 'YYYY-MM' */
  month: string;
  new: number;
  expansion: number;
  /** Negative or 0. */
  contraction: number;
  /** Negative or 0. */
  churned: number;
  reactivated: number;
  /** The sum of the five. */
  netNew: number;
  /** MRR at the end of the month. */
  mrr: number;
  /** Paying customers at the end of the month. */
  customers: number;
  /** Customers who churned in the month. */
  churnedCustomers: number;
  /** Churned customers / paying customers at the start of the month. */
  churnRate: number | null;
}

export interface Metrics {
  currency: string;
  from: Date;
  to: Date;
  /** Monthly recurring revenue at `to`. */
  mrr: number;
  /** mrr × 12. */
  arr: number;
  /** Customers paying at `to` (MRR > 0). */
  payingCustomers: number;
  subscribers: { byStatus: Partial<Record<SubscriptionStatus, number>>; total: number };
  /** One row per calendar month overlapping [from, to). */
  movements: MrrMonth[];
  /** Logo churn: customers churned / customers paying at the start, per month, over the range. */
  churnRate: number | null;
  /** Gross revenue churn: MRR lost (churn + contraction) / MRR at the start, per month, over the range. */
  revenueChurnRate: number | null;
  /** Average revenue per paying customer: mrr / payingCustomers. */
  arpu: number;
  /** Lifetime value: arpu / churnRate, rounded; null when nobody churned. */
  ltv: number | null;
  trialConversion: { ended: number; converted: number; rate: number | null };
  /** Succeeded charges / (succeeded + failed) charges created in the range. */
  paymentSuccessRate: number | null;
  /** Invoices recovered / invoices whose first failed charge was in the range. */
  recoveryRate: number | null;
  /** Average hours from an invoice's first failed charge to its payment, over those recovered. */
  averageHoursToRecover: number | null;
  refunds: { count: number; amount: number; rate: number | null };
  disputes: { count: number; amount: number; lost: number; lostAmount: number; rate: number | null };
  /** Net (GST excluded) amounts paid on invoices in the range. */
  revenue: number;
  /** Stripe's fees on charges in the range (as Stripe reports them). */
  fees: number;
  /** revenue − refunds (GST excluded) − fees. */
  net: number;
  /** API spend in the range from @billkit/metering, converted to `currency`; null without one. */
  apiCosts: number | null;
  /** net − apiCosts. */
  profit: number;
}

export interface RecognitionMonth {
  month: string;
  /** Net amounts paid on invoices in the month. */
  billed: number;
  /** Net amounts refunded in the month. */
  refunded: number;
  /** Revenue earned in the month (negative when refunds reverse more than is earned). */
  recognized: number;
  /** Deferred revenue at the end of the month. */
  deferredBalance: number;
  /** Since the beginning, to the end of the month: billed − refunded = recognized + deferredBalance. */
  toDate: { billed: number; refunded: number; recognized: number };
}

export interface RecognitionReport {
  currency: string;
  from: Date;
  to: Date;
  months: RecognitionMonth[];
}

export interface GstPeriod {
  /** '2026-Q1' for quarters, '2026-03' for months. */
  period: string;
  from: Date;
  to: Date;
  /** G1: total sales, GST included (amounts paid on invoices, cash basis). */
  g1TotalSales: number;
  /** G2: export sales (GST-free, customers outside Australia). */
  g2Exports: number;
  /** 1A: GST on sales. */
  gstOnSales1A: number;
  /** Refunds in the period: amount (GST included) and the GST in it (decreasing adjustments). */
  refunds: { amount: number; gst: number };
  /** g1TotalSales − refunds.amount, and gstOnSales1A − refunds.gst: what the BAS reports. */
  netSales: number;
  netGst: number;
}

export interface GstReport {
  currency: string;
  basis: 'cash';
  period: 'quarter' | 'month';
  periods: GstPeriod[];
  totals: Omit<GstPeriod, 'period' | 'from' | 'to'>;
}

export interface JournalLine {
  /** 'YYYY-MM-DD' */
  date: string;
  account: string;
  /** Decimal strings in major units ('10.00'), one of the two empty. */
  debit: string;
  credit: string;
  memo: string;
}

export interface ForecastMonth {
  month: string;
  /** Expected MRR at the end of the month. */
  mrr: number;
  /** Expected cash collected in the month (GST excluded): monthly renewals plus yearly renewals due. */
  cash: number;
  /** Expected paying customers at the end of the month. */
  subscribers: number;
  /** The goal's line: from today's subscribers to the goal by its month; null past it or without a goal. */
  targetSubscribers: number | null;
}

export interface Forecast {
  currency: string;
  asOf: Date;
  assumptions: {
    /** Monthly logo churn used (the last 3 full months' average). */
    monthlyChurnRate: number;
    /** Share of trials that convert (the last 3 full months). */
    trialConversionRate: number;
    /** New paying customers per month (the last 3 full months' average). */
    newCustomersPerMonth: number;
  };
  goal: { subscribers: number; byMonth: number } | null;
  months: ForecastMonth[];
}

export interface CustomerProfit {
  userId: string;
  email: string | null;
  revenue: number;
  refunds: number;
  fees: number;
  apiCosts: number;
  profit: number;
}

export interface Profitability {
  currency: string;
  from: Date;
  to: Date;
  revenue: number;
  refunds: number;
  fees: number;
  apiCosts: number | null;
  profit: number;
  customers: CustomerProfit[];
}

export interface CustomerDetail {
  customer: CustomerRecord;
  subscriptionStatus: SubscriptionStatus | null;
  subscriptions: SubscriptionRecord[];
  paymentMethods: PaymentMethodRecord[];
  invoices: InvoiceRecord[];
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  disputes: DisputeRecord[];
  credits: CreditRecord[];
  /** Emails queued or sent to the customer, newest first. */
  emails: OutboxMessageRecord[];
  /** The customer's audit trail, newest first. */
  audit: AuditEntry[];
  mrrHistory: MrrMovementRecord[];
  /** Lifetime figures: net paid, net refunded, Stripe fees. */
  totals: { currency: string; revenue: number; refunds: number; fees: number };
  /** The customer in Stripe's dashboard, or null when no dashboard URL is configured. */
  stripeDashboardUrl: string | null;
}

/** Pluggable API-cost source (what @billkit/metering provides), in minor units of `currency`. */
export interface ApiCostSource {
  costs(query: {
    from: Date;
    to: Date;
    currency: string;
  }): Promise<{ total: number; byUser: Record<string, number> }>;
}
