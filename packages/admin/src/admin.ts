// The shape of `createAdmin(...)`: what an operator's tools (the server's /admin routes, the CLI,
// scripts) call. Every action takes `actor`, the signed-in admin's id, and is audited as
// `admin:<actor>`; every input is checked with zod and a bad one changes nothing.

import type {
  AuditEntry,
  AuditVerification,
  CreditRecord,
  CustomerSearchResult,
  DisputeRecord,
  InvoiceRecord,
  Page,
  RefundRecord,
  SubscriptionRecord,
  SubscriptionStatus,
} from '@billkit/core';
import type {
  CustomerDetail,
  Forecast,
  GstReport,
  JournalLine,
  Metrics,
  Profitability,
  RecognitionReport,
} from './types.js';

/** A date given as a Date or an ISO 8601 string ('2026-03-01' or a full time). */
export type DateInput = Date | string;

export interface RangeInput {
  from: DateInput;
  to: DateInput;
  /** @default the catalog's currency */
  currency?: string;
}

export interface Admin {
  customers: {
    search(query?: {
      query?: string;
      status?: SubscriptionStatus | 'none';
      cursor?: string | null;
      limit?: number;
    }): Promise<Page<CustomerSearchResult>>;
    /** By the host's user id or the Stripe customer id (cus_...); `customer_not_found` otherwise. */
    detail(customerId: string): Promise<CustomerDetail>;
  };

  refund(input: {
    invoiceId?: string;
    chargeId?: string;
    /** Minor units; omit for everything still refundable. */
    amount?: number;
    reason: string;
    note?: string;
    actor: string;
    idempotencyKey?: string;
  }): Promise<RefundRecord>;

  grantCredit(input: {
    customerId: string;
    amount: number;
    currency?: string;
    description: string;
    actor: string;
    idempotencyKey?: string;
  }): Promise<CreditRecord>;

  invoices: {
    /** An invoice outside the subscription: charged now to the default card, or sent to be paid. */
    createOneOff(input: {
      customerId: string;
      /** Amounts in minor units, GST included when the catalog's prices include it. */
      items: Array<{ description: string; amount: number }>;
      collection: 'charge' | 'send';
      /** For 'send'. @default 14 */
      daysUntilDue?: number;
      actor: string;
      idempotencyKey?: string;
    }): Promise<InvoiceRecord>;
    /** Mails the receipt of a paid invoice again. */
    resendReceipt(input: { invoiceId: string; actor: string }): Promise<void>;
  };

  payments: {
    /** Tries an open invoice's payment now (`card_declined` etc. when it fails again). */
    retry(invoiceId: string, options: { actor: string }): Promise<InvoiceRecord>;
  };

  subscriptions: {
    cancel(input: {
      customerId: string;
      when: 'now' | 'period_end';
      reason?: string;
      actor: string;
    }): Promise<SubscriptionRecord>;
    /** Undoes a cancellation at period end, or starts the last plan again for a churned customer. */
    reactivate(input: { customerId: string; actor: string }): Promise<SubscriptionRecord>;
    /** Moves to another plan now, without proration: the new price applies from the next renewal. */
    changePlan(input: {
      customerId: string;
      plan: string;
      interval?: 'month' | 'year';
      actor: string;
    }): Promise<SubscriptionRecord>;
    extendTrial(input: { customerId: string; until: DateInput; actor: string }): Promise<SubscriptionRecord>;
    /**
     * Keeps a past-due customer's access `days` longer: added to the end of the grace they have
     * (the policy's, or an earlier extension), or to now when it has run out.
     */
    extendGrace(input: { customerId: string; days: number; actor: string }): Promise<SubscriptionRecord>;
  };

  disputes: {
    list(query?: { status?: string; cursor?: string | null; limit?: number }): Promise<Page<DisputeRecord>>;
    /** Sends the evidence saved in Stripe's dashboard to the bank (Stripe's `submit`). */
    markEvidenceSubmitted(input: { disputeId: string; actor: string }): Promise<DisputeRecord>;
  };

  metrics(range: RangeInput): Promise<Metrics>;
  profitability(range: RangeInput & { limit?: number }): Promise<Profitability>;
  revenue: {
    recognition(range: RangeInput): Promise<RecognitionReport>;
  };
  reports: {
    gst(range: RangeInput & { period?: 'quarter' | 'month'; format?: 'json' }): Promise<GstReport>;
    gst(range: RangeInput & { period?: 'quarter' | 'month'; format: 'csv' }): Promise<string>;
    journal(range: RangeInput & { format: 'csv' }): Promise<string>;
    journal(range: RangeInput & { format?: 'json' }): Promise<JournalLine[]>;
  };
  forecast(options?: {
    months?: 3 | 6 | 12 | number;
    currency?: string;
    /** @default createAdmin's `goal` */
    goal?: { subscribers: number; byMonth: number } | null;
  }): Promise<Forecast>;
  audit: {
    /** Entries in append order: of one customer, about one subject, by one actor, in [from, to). */
    list(query?: {
      customerId?: string;
      subjectId?: string;
      actor?: string;
      from?: Date | string;
      to?: Date | string;
      cursor?: string | null;
      limit?: number;
    }): Promise<Page<AuditEntry>>;
    /** The hash chain walked: edited or deleted entries come back as problems. */
    verify(): Promise<AuditVerification>;
  };
}
