// Compile-time checks (run by `tsc --noEmit`; nothing here executes): the simulator's client returns
// the `stripe` package's own types, and the declarations known-differences.ts relies on say what its
// reasons claim.

import type Stripe from 'stripe';
import { expectTypeOf } from 'vitest';
import { createStripeSim } from '../../src/index.js';

export async function clientReturnsStripeTypes(): Promise<void> {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const stripe = sim.stripe;
  expectTypeOf(stripe).toEqualTypeOf<Stripe>();
  expectTypeOf(await stripe.customers.create({})).toExtend<Stripe.Customer>();
  expectTypeOf(await stripe.subscriptions.retrieve('sub_1')).toExtend<Stripe.Subscription>();
  expectTypeOf(await stripe.invoices.retrieve('in_1')).toExtend<Stripe.Invoice>();
  expectTypeOf((await stripe.invoices.listLineItems('in_1')).data[0]!).toExtend<Stripe.InvoiceLineItem>();
  expectTypeOf((await stripe.invoicePayments.list({})).data[0]!).toExtend<Stripe.InvoicePayment>();
  expectTypeOf(await stripe.charges.retrieve('ch_1')).toExtend<Stripe.Charge>();
  expectTypeOf(
    await stripe.testHelpers.testClocks.retrieve('clock_1'),
  ).toExtend<Stripe.TestHelpers.TestClock>();
  expectTypeOf(sim.webhooks.events()).toEqualTypeOf<Stripe.Event[]>();
}

// fixture-key-not-in-types: the fixture's `invoice.subscription` is gone from the pinned types.
expectTypeOf<Stripe.Invoice>().not.toHaveProperty('subscription');
expectTypeOf<NonNullable<Stripe.Invoice['parent']>>().toHaveProperty('subscription_details');

// includable: optional in the types.
expectTypeOf<Stripe.Invoice['payments']>().toEqualTypeOf<Stripe.ApiList<Stripe.InvoicePayment> | undefined>();
expectTypeOf<undefined>().toExtend<Stripe.Invoice['confirmation_secret']>();
expectTypeOf<Stripe.Charge['refunds']>().toEqualTypeOf<Stripe.ApiList<Stripe.Refund> | null | undefined>();
expectTypeOf<Stripe.WebhookEndpoint['secret']>().toEqualTypeOf<string | undefined>();

// types-key-not-in-fixture: required in the types.
expectTypeOf<Stripe.Product['tax_details']>().toEqualTypeOf<Stripe.Product.TaxDetails | null>();
expectTypeOf<
  Stripe.SubscriptionItem['current_trial']
>().toEqualTypeOf<Stripe.SubscriptionItem.CurrentTrial | null>();
expectTypeOf<Stripe.PaymentIntent>().toHaveProperty('allowed_payment_method_types');
expectTypeOf<Stripe.PaymentIntent>().toHaveProperty('payment_record');
expectTypeOf<Stripe.SetupIntent>().toHaveProperty('allowed_payment_method_types');
expectTypeOf<Stripe.Dispute>().toHaveProperty('intended_submission_method');
expectTypeOf<Stripe.Dispute.EvidenceDetails>().toHaveProperty('submission_method');

// The charge card details the simulator leaves out are optional in the types (so the omission is a
// fidelity defect against the published object, not a type error).
type ChargeCard = NonNullable<NonNullable<Stripe.Charge['payment_method_details']>['card']>;
expectTypeOf<undefined>().toExtend<ChargeCard['extended_authorization']>();
expectTypeOf<undefined>().toExtend<ChargeCard['incremental_authorization']>();
expectTypeOf<undefined>().toExtend<ChargeCard['multicapture']>();
expectTypeOf<undefined>().toExtend<ChargeCard['network_token']>();
expectTypeOf<undefined>().toExtend<ChargeCard['overcapture']>();
