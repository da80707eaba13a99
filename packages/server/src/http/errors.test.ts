import {
  BillingError,
  type BillingErrorCode,
  CardDeclinedError,
  InvalidInputError,
  RequiresActionError,
  silentLogger,
} from '@billkit/core';
import { MissingExchangeRateError } from '@billkit/metering';
import { describe, expect, it } from 'vitest';
import { errorBodySchema, errorCodes } from '../contract/index.js';
import { errorResponse, STATUS_BY_BILLING_CODE } from './errors.js';

const context = { logger: silentLogger(), method: 'POST', path: '/api/billing/subscription' };

async function answer(error: unknown) {
  const response = errorResponse(error, context);
  return { status: response.status, body: errorBodySchema.parse(await response.json()) };
}

describe('errorResponse', () => {
  it.each(Object.entries(STATUS_BY_BILLING_CODE))('answers %s with %i', async (code, status) => {
    const { status: got, body } = await answer(
      new BillingError(code as BillingErrorCode, 'Something for people.'),
    );
    expect(got).toBe(status);
    expect(body.error.code).toBe(code);
  });

  it('lists every engine code in the contract', () => {
    for (const code of Object.keys(STATUS_BY_BILLING_CODE)) expect(errorCodes).toContain(code);
  });

  it("keeps the bank's decline code and the 3D Secure client secret", async () => {
    expect(
      (
        await answer(
          new CardDeclinedError('Your card was declined.', {
            declineCode: 'lost_card',
            stripeCode: 'card_declined',
          }),
        )
      ).body.error,
    ).toEqual({ code: 'card_declined', message: 'Your card was declined.', declineCode: 'lost_card' });
    expect((await answer(new RequiresActionError('Authenticate.', 'pi_1_secret_2'))).body.error).toEqual({
      code: 'requires_action',
      message: 'Authenticate.',
      clientSecret: 'pi_1_secret_2',
    });
  });

  it("names the engine's invalid field, and lists every issue", async () => {
    const error = new InvalidInputError('Invalid input to x', [
      { path: 'promotionCode', message: 'too long' },
      { path: 'quantity', message: 'at least 1' },
    ]);
    expect((await answer(error)).body.error).toEqual({
      code: 'invalid_input',
      message: 'promotionCode: too long; quantity: at least 1',
      param: 'promotionCode',
      issues: [
        { path: 'promotionCode', message: 'too long' },
        { path: 'quantity', message: 'at least 1' },
      ],
    });
  });

  it("lists metering's refusals as issues too", async () => {
    const { body } = await answer(new MissingExchangeRateError('EUR', 'USD'));
    expect(body.error).toEqual({
      code: 'invalid_input',
      message: 'currency: no rate for EUR',
      param: 'currency',
      issues: [{ path: 'currency', message: 'no rate for EUR' }],
    });
  });

  it('lists at most 100 issues', async () => {
    const issues = Array.from({ length: 150 }, (_, i) => ({ path: `items.${i}`, message: 'bad' }));
    const { body } = await answer(new InvalidInputError('Invalid input to x', issues));
    expect(body.error.issues).toEqual(issues.slice(0, 100));
  });

  it("never passes Stripe's own wording on", async () => {
    const { body } = await answer(
      new BillingError('stripe_error', 'Stripe refused customers.update: No such customer: cus_1'),
    );
    expect(body.error.message).toBe('The payment provider refused the request.');
  });
});
