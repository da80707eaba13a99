import { describe, expect, it } from 'vitest';
import { BillingApiError, errorFromResponse } from '../../client/billing-api-error.js';
import { defaultAdminMessages } from '../messages/admin-messages.js';
import { budgetErrorsFrom, microsToDecimal, normalizeDecimal, parseThresholds } from './budget-form.js';

describe('the budget form', () => {
  it('sends the cap as the decimal string the contract takes, whatever the reader’s separators', () => {
    expect(normalizeDecimal('1,250.50', 'en-AU')).toBe('1250.50');
    expect(normalizeDecimal(' 500 ', 'en-AU')).toBe('500');
    expect(normalizeDecimal('1.250,5', 'de-DE')).toBe('1250.5');
    expect(normalizeDecimal('1 250,5', 'fr-FR')).toBe('1250.5');
    // What is not a number is left for the server to refuse.
    expect(normalizeDecimal('ten', 'en-AU')).toBe('ten');
  });

  it('writes a cap in micro-units back in major units, exactly', () => {
    expect(microsToDecimal(500_000_000)).toBe('500.00');
    expect(microsToDecimal(1_234_500)).toBe('1.2345');
    expect(microsToDecimal(4_200)).toBe('0.0042');
  });

  it('reads alert percentages separated by commas or spaces', () => {
    expect(parseThresholds('50, 80, 100')).toEqual([50, 80, 100]);
    expect(parseThresholds('50 80% 120')).toEqual([50, 80, 120]);
    expect(parseThresholds('')).toEqual([]);
    expect(parseThresholds('50, eighty')).toBeNull();
    expect(parseThresholds('12.5')).toBeNull();
  });

  it('puts every issue the server lists under its field, the first reason of each', () => {
    const error = Object.assign(
      new BillingApiError({
        code: 'invalid_input',
        status: 400,
        param: 'monthly',
        message: 'Not what the fields say.',
      }),
      {
        issues: [
          { path: 'monthly', message: 'more than zero' },
          { path: 'monthly', message: 'not read' },
          { path: 'thresholds.2', message: 'Too big: expected number to be <=1000' },
          { path: 'id', message: 'letters and digits' },
          { path: 'elsewhere', message: 'no field for it' },
        ],
      },
    );
    expect(budgetErrorsFrom(error, defaultAdminMessages)).toEqual({
      monthly: 'More than zero.',
      thresholds: 'Too big: expected number to be <=1000.',
      provider: 'Letters and digits.',
    });
  });

  it('falls back to the field param names when the error lists no issues', () => {
    const error = Object.assign(
      new BillingApiError({
        code: 'invalid_input',
        status: 400,
        param: 'currency',
        message: 'no rate for EUR',
      }),
      { issues: [] },
    );
    expect(budgetErrorsFrom(error, defaultAdminMessages)).toEqual({ currency: 'No rate for EUR.' });
  });

  it('reads the fields from the issues the client keeps from the server’s answer', async () => {
    const body = {
      error: {
        code: 'invalid_input',
        param: 'monthly',
        message:
          "monthly: a decimal amount such as '500.00'; thresholds.2: Too big: expected number to be <=1000",
        issues: [
          { path: 'monthly', message: "a decimal amount such as '500.00'" },
          { path: 'thresholds.2', message: 'Too big: expected number to be <=1000' },
        ],
      },
    };
    const error = await errorFromResponse(new Response(JSON.stringify(body), { status: 400 }));
    expect(budgetErrorsFrom(error, defaultAdminMessages)).toEqual({
      monthly: "A decimal amount such as '500.00'.",
      thresholds: 'Too big: expected number to be <=1000.',
    });
  });

  it('puts a taken scope under the field the server names, and nowhere for the overall budget', () => {
    const taken = 'There is a budget for this already. Edit that one instead.';
    const byProvider = new BillingApiError({
      code: 'budget_exists',
      status: 409,
      param: 'provider',
      message: 'taken',
    });
    const byId = new BillingApiError({ code: 'budget_exists', status: 409, param: 'id', message: 'taken' });
    const overall = new BillingApiError({ code: 'budget_exists', status: 409, message: 'taken' });
    expect(budgetErrorsFrom(byProvider, defaultAdminMessages)).toEqual({ provider: taken });
    expect(budgetErrorsFrom(byId, defaultAdminMessages)).toEqual({ provider: taken });
    expect(budgetErrorsFrom(overall, defaultAdminMessages)).toBeNull();
    const offline = new BillingApiError({ code: 'network_error', status: 0, message: 'offline' });
    expect(budgetErrorsFrom(offline, defaultAdminMessages)).toBeNull();
  });
});
