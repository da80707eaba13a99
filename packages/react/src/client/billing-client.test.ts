import { describe, expect, it } from 'vitest';
import { createPortalFake } from '../testing/portal-fake.js';
import { BillingApiError } from './billing-api-error.js';
import { createBillingClient } from './billing-client.js';

function recordingFetch(answer: () => Promise<Response>) {
  const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    seen.push({ url: String(input), init });
    return answer();
  };
  return { fetch, seen };
}

describe('createBillingClient', () => {
  it('sends JSON with the same-origin credentials to the base URL', async () => {
    const fake = createPortalFake();
    const { fetch, seen } = recordingFetch(() => Promise.resolve(new Response('{"subscription":{}}')));
    const client = createBillingClient({ baseUrl: '/api/billing/', fetch });
    await client.changePlan({ plan: 'business', interval: 'month' });

    expect(seen[0]?.url).toBe('/api/billing/subscription/change');
    expect(seen[0]?.init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{"plan":"business","interval":"month"}',
    });
    expect(client.invoicePdfUrl('in_1')).toBe('/api/billing/invoices/in_1/pdf');
    expect(fake.basePath).toBe('/api/billing');
  });

  it('turns the server’s error body into a BillingApiError with code and param', async () => {
    const body = { error: { code: 'invalid_input', message: 'abn: an ABN has 11 digits', param: 'abn' } };
    const { fetch } = recordingFetch(() => Promise.resolve(Response.json(body, { status: 400 })));
    const client = createBillingClient({ baseUrl: '/api/billing', fetch });
    const error = await client.updateBillingAddress({ address: {} as never }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BillingApiError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      param: 'abn',
      status: 400,
      message: body.error.message,
    });
  });

  it('keeps the decline code and the 3D Secure client secret', async () => {
    const body = { error: { code: 'requires_action', message: 'Confirm it', clientSecret: 'pi_1_secret_2' } };
    const { fetch } = recordingFetch(() => Promise.resolve(Response.json(body, { status: 402 })));
    const error = await createBillingClient({ baseUrl: '', fetch })
      .payInvoice('in_1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'requires_action', clientSecret: 'pi_1_secret_2' });
  });

  it('reports a proxy’s error page and a failed network apart', async () => {
    const proxy = recordingFetch(() =>
      Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })),
    );
    const offline = recordingFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(createBillingClient({ baseUrl: '', fetch: proxy.fetch }).getPlans()).rejects.toMatchObject({
      code: 'http_error',
      status: 502,
    });
    await expect(createBillingClient({ baseUrl: '', fetch: offline.fetch }).getPlans()).rejects.toMatchObject(
      {
        code: 'network_error',
        status: 0,
      },
    );
  });
});
