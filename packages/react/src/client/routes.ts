// The portal's paths, relative to the server's basePath. A copy of the contract's `portalRoutes`
// (this package imports only types from the server); `satisfies` makes tsc fail if a path drifts.

import type { portalRoutes } from '@billkit/server/contract';

type ContractRoutes = Omit<typeof portalRoutes, 'stripeWebhook'>;

export const routes = {
  plans: '/plans',
  subscription: '/subscription',
  preview: '/subscription/preview',
  change: '/subscription/change',
  cancel: '/subscription/cancel',
  resume: '/subscription/resume',
  retentionOffers: '/retention-offers',
  acceptOffer: (id: string) => `/retention-offers/${encodeURIComponent(id)}/accept`,
  paymentMethods: '/payment-methods',
  setupIntent: '/payment-methods/setup-intent',
  setDefault: (id: string) => `/payment-methods/${encodeURIComponent(id)}/default`,
  removePaymentMethod: (id: string) => `/payment-methods/${encodeURIComponent(id)}`,
  invoices: '/invoices',
  invoicePdf: (id: string) => `/invoices/${encodeURIComponent(id)}/pdf`,
  payInvoice: (id: string) => `/invoices/${encodeURIComponent(id)}/pay`,
  billingAddress: '/billing-address',
  access: '/access',
} as const satisfies ContractRoutes;
