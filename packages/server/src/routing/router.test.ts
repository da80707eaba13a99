import { describe, expect, it } from 'vitest';
import { createRouter } from './router.js';

const router = createRouter(
  [
    { method: 'GET', path: '/plans', value: 'plans' },
    { method: 'POST', path: '/payment-methods/setup-intent', value: 'setup' },
    { method: 'DELETE', path: '/payment-methods/:id', value: 'remove' },
    { method: 'GET', path: '/invoices/:invoiceId/pdf', value: 'pdf' },
  ],
  { invoiceId: /^in_\w{1,250}$/ },
);

describe('createRouter', () => {
  it('finds a route by method and path, with decoded params', () => {
    expect(router.match('GET', '/plans')).toEqual({ kind: 'found', value: 'plans', params: {} });
    expect(router.match('DELETE', '/payment-methods/pm%5F1')).toEqual({
      kind: 'found',
      value: 'remove',
      params: { id: 'pm_1' },
    });
    expect(router.match('GET', '/invoices/in_1/pdf')).toMatchObject({ params: { invoiceId: 'in_1' } });
  });

  it('prefers the route listed first when a literal and a param both fit', () => {
    expect(router.match('POST', '/payment-methods/setup-intent')).toMatchObject({ value: 'setup' });
    expect(router.match('DELETE', '/payment-methods/setup-intent')).toMatchObject({ value: 'remove' });
  });

  it('names the methods a path takes when the method is wrong', () => {
    expect(router.match('GET', '/payment-methods/setup-intent')).toEqual({
      kind: 'method_not_allowed',
      allow: ['DELETE', 'POST'],
    });
  });

  it('finds nothing for params outside their pattern or undecodable, never throwing', () => {
    for (const path of [
      '/invoices/pm_1/pdf',
      '/invoices/in_%ZZ/pdf',
      '/payment-methods/a%20b',
      `/payment-methods/${'x'.repeat(256)}`,
      '/payment-methods/',
      '/payment-methods//',
      '//plans',
      '/plans//',
    ]) {
      expect(router.match('DELETE', path).kind, path).not.toBe('found');
      expect(router.match('GET', path).kind, path).not.toBe('found');
    }
    expect(router.match('GET', '/invoices/in_%ZZ/pdf')).toEqual({ kind: 'not_found' });
  });
});
