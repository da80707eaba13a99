// /v1/invoice_payments: the payments recorded against invoices (retrieve, list by invoice).

import type Stripe from 'stripe';
import { paginate, type Route } from '../http/router.js';
import { idOf } from './shared.js';

export const invoicePaymentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/invoice_payments/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get('invoice_payment', path.id!, 'invoice_payment');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments',
    handler: (ctx) => {
      const invoice = ctx.params.optionalString('invoice');
      const status = ctx.params.optionalString('status');
      const payment = ctx.params.optionalObject('payment');
      const paymentIntent = payment?.optionalString('payment_intent');
      payment?.accept('type', 'payment_record');
      payment?.done();
      const rows = ctx.sim.store
        .all<Stripe.InvoicePayment>('invoice_payment')
        .filter(
          (p) =>
            (!invoice || idOf(p.invoice as string) === invoice) &&
            (!status || p.status === status) &&
            (!paymentIntent || p.payment.payment_intent === paymentIntent),
        );
      const page = paginate(ctx, rows, '/v1/invoice_payments');
      ctx.params.done();
      return page;
    },
  },
];
