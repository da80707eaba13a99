import { describe, expect, it } from 'vitest';
import { compareShape, formatFindings, jsonType, normalizePath, pathMatches } from './compare-shape.js';

describe('compareShape', () => {
  it('finds nothing when keys and JSON types agree (values are ignored)', () => {
    expect(
      compareShape({ id: 'cus_1', balance: 5, delinquent: true }, { id: 'x', balance: 0, delinquent: false }),
    ).toEqual([]);
  });

  it('reports a key the fixture has and the object lacks as missing', () => {
    expect(compareShape({ id: 'cus_1' }, { id: 'x', email: null })).toEqual([
      { path: 'email', kind: 'missing', expected: 'null', actual: '(absent)' },
    ]);
  });

  it('reports a key the fixture lacks as extra, without descending into it', () => {
    expect(compareShape({ id: 'cus_1', tax: { automatic_tax: 'supported' } }, { id: 'x' })).toEqual([
      { path: 'tax', kind: 'extra', expected: '(absent)', actual: 'object' },
    ]);
  });

  it('reports a different JSON type', () => {
    expect(compareShape({ amount: '1000', paid: 1 }, { amount: 1000, paid: true })).toEqual([
      { path: 'amount', kind: 'type', expected: 'number', actual: 'string' },
      { path: 'paid', kind: 'type', expected: 'boolean', actual: 'number' },
    ]);
    expect(compareShape({ lines: {} }, { lines: [] })).toEqual([
      { path: 'lines', kind: 'type', expected: 'array', actual: 'object' },
    ]);
  });

  it('treats integers and decimals alike', () => {
    expect(compareShape({ percent_off: 25.5 }, { percent_off: 20 })).toEqual([]);
  });

  it('recurses into nested objects with dotted paths', () => {
    const fixture = {
      address: { city: null, country: 'US' },
      invoice_settings: { rendering_options: { template: null } },
    };
    const actual = { address: { city: 'Sydney', country: 1 }, invoice_settings: { rendering_options: {} } };
    expect(compareShape(actual, fixture)).toEqual([
      { path: 'address.country', kind: 'type', expected: 'string', actual: 'number' },
      {
        path: 'invoice_settings.rendering_options.template',
        kind: 'missing',
        expected: 'null',
        actual: '(absent)',
      },
    ]);
  });

  it("compares every array item with the fixture's first item", () => {
    const fixture = { data: [{ id: 'il_1', amount: 1 }] };
    const actual = {
      data: [{ id: 'il_a', amount: 5 }, { id: 'il_b' }, { id: 'il_c', amount: 1, extra: true }],
    };
    expect(compareShape(actual, fixture)).toEqual([
      { path: 'data[1].amount', kind: 'missing', expected: 'number', actual: '(absent)' },
      { path: 'data[2].extra', kind: 'extra', expected: '(absent)', actual: 'boolean' },
    ]);
    expect(compareShape({ tags: ['a', 2] }, { tags: ['x'] })).toEqual([
      { path: 'tags[1]', kind: 'type', expected: 'string', actual: 'number' },
    ]);
  });

  it('accepts any array where the fixture array is empty', () => {
    expect(
      compareShape({ fee_details: [{ amount: 1, type: 'stripe_fee' }, 'odd'] }, { fee_details: [] }),
    ).toEqual([]);
  });

  it('accepts any value where the fixture has null', () => {
    expect(
      compareShape({ a: 'x', b: 1, c: { deep: [1] }, d: [] }, { a: null, b: null, c: null, d: null }),
    ).toEqual([]);
  });

  it('accepts null where the fixture has a value (nullable fields)', () => {
    expect(
      compareShape(
        { discount: null, email: null, items: null },
        { discount: { id: 'di' }, email: 'a', items: [1] },
      ),
    ).toEqual([]);
  });

  it('accepts expanded and unexpanded ids', () => {
    // The fixture has an id, the object was expanded.
    expect(compareShape({ customer: { id: 'cus_1', object: 'customer' } }, { customer: 'cus_x' })).toEqual(
      [],
    );
    // The fixture shows an expanded object, the object has the id.
    expect(
      compareShape({ destination: 'acct_1' }, { destination: { id: 'acct_x', object: 'account' } }),
    ).toEqual([]);
    // An object without an id is not an expansion.
    expect(compareShape({ customer: { name: 'x' } }, { customer: 'cus_x' })).toEqual([
      { path: 'customer', kind: 'type', expected: 'string', actual: 'object' },
    ]);
  });

  it('does not compare the keys of free-form objects, at any depth for metadata', () => {
    const fixture = { metadata: { order_id: '1' }, lines: { data: [{ metadata: {} }] } };
    const actual = { metadata: { crm: '42' }, lines: { data: [{ metadata: { a: 'b' } }] } };
    expect(compareShape(actual, fixture)).toEqual([]);
    // ...but a free-form value must still be an object.
    expect(compareShape({ metadata: 'x' }, { metadata: {} })).toEqual([
      { path: 'metadata', kind: 'type', expected: 'object', actual: 'string' },
    ]);
  });

  it('takes its own list of free-form paths', () => {
    const fixture = { data: { object: { id: 'price_1', object: 'plan' } } };
    const actual = { data: { object: { id: 'cus_1', object: 'customer', email: null } } };
    expect(compareShape(actual, fixture)).toHaveLength(1);
    expect(compareShape(actual, fixture, '', { freeFormPaths: ['data.object'] })).toEqual([]);
  });

  it('prefixes findings with the starting path', () => {
    expect(compareShape({ b: 1 }, { a: 1 }, 'items.data[0]')).toEqual([
      { path: 'items.data[0].a', kind: 'missing', expected: 'number', actual: '(absent)' },
      { path: 'items.data[0].b', kind: 'extra', expected: '(absent)', actual: 'number' },
    ]);
  });

  it('compares the root too', () => {
    expect(compareShape('cus_1', { id: 'x' })).toEqual([]); // an unexpanded id
    expect(compareShape(5, { id: 'x' })).toEqual([
      { path: '', kind: 'type', expected: 'object', actual: 'number' },
    ]);
  });
});

describe('helpers', () => {
  it('jsonType names JSON types', () => {
    expect([null, 'a', 1, true, [], {}, undefined].map(jsonType)).toEqual([
      'null',
      'string',
      'number',
      'boolean',
      'array',
      'object',
      'undefined',
    ]);
  });

  it('normalizePath and pathMatches', () => {
    expect(normalizePath('lines.data[12].period.end')).toBe('lines.data[].period.end');
    expect(pathMatches('lines.data[].metadata', 'lines.data[3].metadata')).toBe(true);
    expect(pathMatches('lines.data[].metadata', 'lines.data[3].period')).toBe(false);
    expect(pathMatches('**.metadata', 'metadata')).toBe(true);
    expect(pathMatches('**.metadata', 'items.data[0].price.metadata')).toBe(true);
    expect(pathMatches('**.metadata', 'metadata.x')).toBe(false);
    expect(pathMatches('shipping.*', 'shipping.name')).toBe(true);
    expect(pathMatches('shipping.*', 'shipping.address.city')).toBe(false);
    expect(pathMatches('shipping', 'shipping_details')).toBe(false);
  });

  it('formatFindings gives one readable line per finding', () => {
    const text = formatFindings(compareShape({ id: 1, extra: 'x' }, { id: 'x', email: 'y' }), 'customer');
    expect(text.split('\n')).toEqual([
      '  type     customer.id  (fixture string, simulator number)',
      '  missing  customer.email  (fixture has string)',
      '  extra    customer.extra  (simulator sends string; fixture has no such key)',
    ]);
  });
});
