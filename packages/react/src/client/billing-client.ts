// One typed function per portal route. Every request is JSON, same-origin credentials (the host's
// session cookie), and every failure becomes a `BillingApiError`.

import type {
  AcceptOfferRequest,
  AcceptOfferResponse,
  AccessResponse,
  BillingAddressResponse,
  CancelRequest,
  ChangePlanRequest,
  ChangePreviewResponse,
  InvoiceResponse,
  InvoicesResponse,
  PayInvoiceRequest,
  PaymentMethodResponse,
  PaymentMethodsResponse,
  PlansResponse,
  RemovePaymentMethodResponse,
  RetentionOffersResponse,
  SetupIntentResponse,
  StartSubscriptionRequest,
  SubscriptionMutationResponse,
  SubscriptionResponse,
  UpdateBillingAddressRequest,
} from '@billkit/server/contract';
import { BillingApiError, errorFromResponse } from './billing-api-error.js';
import { routes } from './routes.js';

export interface BillingClientOptions {
  /** Where the server's portal routes are mounted: `/api/billing` or `https://billing.example.com`. */
  baseUrl: string;
  /**
   * The fetch to call; for hosts that add auth headers, and for tests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

export interface InvoicesPageRequest {
  /** @default 10 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  after?: string | null;
}

/** The portal's routes as functions. Used by the hooks; usable on its own. */
export interface BillingClient {
  readonly baseUrl: string;
  /** The PDF's address, for a link (`<baseUrl>/invoices/<id>/pdf`). */
  invoicePdfUrl(invoiceId: string): string;
  getPlans(): Promise<PlansResponse>;
  getSubscription(): Promise<SubscriptionResponse>;
  getAccess(): Promise<AccessResponse>;
  startSubscription(body: StartSubscriptionRequest): Promise<SubscriptionMutationResponse>;
  previewChange(body: ChangePlanRequest): Promise<ChangePreviewResponse>;
  changePlan(body: ChangePlanRequest): Promise<SubscriptionMutationResponse>;
  cancelSubscription(body: CancelRequest): Promise<SubscriptionMutationResponse>;
  resumeSubscription(): Promise<SubscriptionMutationResponse>;
  getRetentionOffers(): Promise<RetentionOffersResponse>;
  acceptOffer(offerId: string, body: AcceptOfferRequest): Promise<AcceptOfferResponse>;
  getPaymentMethods(): Promise<PaymentMethodsResponse>;
  createSetupIntent(): Promise<SetupIntentResponse>;
  setDefaultPaymentMethod(paymentMethodId: string): Promise<PaymentMethodResponse>;
  removePaymentMethod(
    paymentMethodId: string,
    options?: { force?: boolean },
  ): Promise<RemovePaymentMethodResponse>;
  getInvoices(page?: InvoicesPageRequest): Promise<InvoicesResponse>;
  payInvoice(invoiceId: string, body?: PayInvoiceRequest): Promise<InvoiceResponse>;
  getBillingAddress(): Promise<BillingAddressResponse>;
  updateBillingAddress(body: UpdateBillingAddressRequest): Promise<BillingAddressResponse>;
}

/** The query string of an invoices page; also the page's cache key. */
export function invoicesPath(page: InvoicesPageRequest = {}): string {
  const query = new URLSearchParams();
  query.set('limit', String(page.limit ?? 10));
  if (page.after) query.set('after', page.after);
  return `${routes.invoices}?${query.toString()}`;
}

/** Creates the portal's client for the server mounted at `baseUrl`. */
export function createBillingClient(options: BillingClientOptions): BillingClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new BillingApiError({
        code: 'network_error',
        status: 0,
        message: 'The billing service could not be reached.',
        cause,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    try {
      return (await response.json()) as T;
    } catch (cause) {
      throw new BillingApiError({
        code: 'http_error',
        status: response.status,
        message: 'The billing service answered with something other than JSON.',
        cause,
      });
    }
  }

  return {
    baseUrl,
    invoicePdfUrl: (invoiceId) => `${baseUrl}${routes.invoicePdf(invoiceId)}`,
    getPlans: () => request('GET', routes.plans),
    getSubscription: () => request('GET', routes.subscription),
    getAccess: () => request('GET', routes.access),
    startSubscription: (body) => request('POST', routes.subscription, body),
    previewChange: (body) => request('POST', routes.preview, body),
    changePlan: (body) => request('POST', routes.change, body),
    cancelSubscription: (body) => request('POST', routes.cancel, body),
    resumeSubscription: () => request('POST', routes.resume, {}),
    getRetentionOffers: () => request('GET', routes.retentionOffers),
    acceptOffer: (offerId, body) => request('POST', routes.acceptOffer(offerId), body),
    getPaymentMethods: () => request('GET', routes.paymentMethods),
    createSetupIntent: () => request('POST', routes.setupIntent, {}),
    setDefaultPaymentMethod: (id) => request('POST', routes.setDefault(id), {}),
    removePaymentMethod: (id, removeOptions = {}) =>
      request('DELETE', `${routes.removePaymentMethod(id)}${removeOptions.force ? '?force=true' : ''}`),
    getInvoices: (page) => request('GET', invoicesPath(page)),
    payInvoice: (id, body = {}) => request('POST', routes.payInvoice(id), body),
    getBillingAddress: () => request('GET', routes.billingAddress),
    updateBillingAddress: (body) => request('PUT', routes.billingAddress, body),
  };
}
