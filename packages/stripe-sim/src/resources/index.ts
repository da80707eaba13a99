// Every simulated resource, registered on the router; the billing engine's timed work on the scheduler.

import { billingTasks } from '../billing/tasks.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { Router } from '../http/router.js';
import { balanceTransactionRoutes } from './balance-transactions.js';
import { chargeRoutes } from './charges.js';
import { couponRoutes } from './coupons.js';
import { customerBalanceTransactionRoutes } from './customer-balance-transactions.js';
import { customerRoutes } from './customers.js';
import { disputeRoutes } from './disputes.js';
import { eventRoutes } from './events.js';
import { invoiceItemRoutes } from './invoice-items.js';
import { invoicePaymentRoutes } from './invoice-payments.js';
import { invoiceRoutes } from './invoices.js';
import { paymentIntentRoutes } from './payment-intents.js';
import { paymentMethodRoutes } from './payment-methods.js';
import { priceRoutes } from './prices.js';
import { productRoutes } from './products.js';
import { promotionCodeRoutes } from './promotion-codes.js';
import { refundRoutes } from './refunds.js';
import { setupIntentRoutes } from './setup-intents.js';
import { subscriptionItemRoutes } from './subscription-items.js';
import { subscriptionRoutes } from './subscriptions.js';
import { taxRateRoutes } from './tax-rates.js';
import { testClockRoutes } from './test-clocks.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';

export function registerResources({ router, scheduler }: { router: Router; scheduler: Scheduler }): void {
  router.add([
    ...customerRoutes,
    ...customerBalanceTransactionRoutes,
    ...paymentMethodRoutes,
    ...setupIntentRoutes,
    ...productRoutes,
    ...priceRoutes,
    ...couponRoutes,
    ...promotionCodeRoutes,
    ...taxRateRoutes,
    ...subscriptionRoutes,
    ...subscriptionItemRoutes,
    ...invoiceRoutes,
    ...invoiceItemRoutes,
    ...invoicePaymentRoutes,
    ...paymentIntentRoutes,
    ...chargeRoutes,
    ...refundRoutes,
    ...disputeRoutes,
    ...balanceTransactionRoutes,
    ...eventRoutes,
    ...webhookEndpointRoutes,
    ...testClockRoutes(scheduler),
  ]);
  scheduler.addSource(billingTasks);
}
