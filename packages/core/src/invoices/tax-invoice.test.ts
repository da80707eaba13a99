import { describe, expect, it } from 'vitest';
import { resolveBrand } from '../brand.js';
import type { Address, CustomerRecord, InvoiceLineRecord, InvoiceRecord } from '../store/records.js';
import { australianGst, noTax, stripeTax } from '../tax/tax-strategy.js';
import { aCustomer, anInvoice } from '../testing/builders.js';
import { type BuildInvoiceDocumentInput, buildInvoiceDocument, toWinAnsi } from './tax-invoice.js';

const brand = resolveBrand({
  name: 'Acme Pty Ltd',
  abn: '12345678901',
  address: ['1 Pitt St', 'Sydney NSW 2000'],
});
const gst = australianGst({ abn: '98 765 432 109' });

function sydney(): Address {
  return {
    line1: '1 George St',
    line2: null,
    city: 'Sydney',
    state: 'NSW',
    postalCode: '2000',
    country: 'AU',
  };
}

function overseas(country: string): Address {
  return { line1: '1 Main St', line2: null, city: 'Springfield', state: 'IL', postalCode: '62701', country };
}

/** A one-line invoice of `total` (GST-inclusive) with `tax` charged on it. */
function invoiceOf(total: number, tax: number, overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const base = anInvoice();
  const line: InvoiceLineRecord = { ...base.lines[0]!, description: 'Pro (monthly)', amount: total, tax };
  return anInvoice({
    subtotal: total,
    tax,
    total,
    amountDue: total,
    amountPaid: total,
    lines: [line],
    ...overrides,
  });
}

function build(overrides: Partial<BuildInvoiceDocumentInput> = {}) {
  return buildInvoiceDocument({
    invoice: invoiceOf(1000, 91),
    customer: aCustomer({ address: sydney() }),
    brand,
    tax: gst,
    ...overrides,
  });
}

describe('an Australian tax invoice', () => {
  it('is titled "Tax invoice" and shows the seller name and formatted ABN from the brand', () => {
    const doc = build();
    expect(doc.title).toBe('Tax invoice');
    expect(doc.kind).toBe('tax_invoice');
    expect(doc.seller).toMatchObject({ name: 'Acme Pty Ltd', abn: '12 345 678 901' });
    expect(doc.seller.addressLines).toEqual(['1 Pitt St', 'Sydney NSW 2000']);
  });

  it("falls back to the tax strategy's ABN when the brand names none", () => {
    const doc = build({ brand: resolveBrand({ name: 'Acme Pty Ltd' }) });
    expect(doc.seller.abn).toBe('98 765 432 109');
    expect(doc.warnings).toEqual([]);
  });

  it('warns when no ABN is known at all', () => {
    const doc = build({
      brand: resolveBrand({ name: 'Acme Pty Ltd' }),
      tax: { kind: 'australian_gst', registration: null },
    });
    expect(doc.seller.abn).toBeNull();
    expect(doc.warnings.join(' ')).toMatch(/No seller ABN/);
  });

  it('is issued on the finalization date, as a date in Sydney', () => {
    // 2025-01-31 14:00 UTC is already 1 February in Sydney.
    const doc = build({ invoice: invoiceOf(1000, 91, { finalizedAt: new Date('2025-01-31T14:00:00Z') }) });
    expect(doc.issuedAt).toEqual(new Date('2025-01-31T14:00:00Z'));
    expect(doc.issueDate).toBe('1 February 2025');
  });

  it('is issued on the creation date when the invoice was never finalized, or on the date given', () => {
    const created = new Date('2025-03-10T01:00:00Z');
    expect(build({ invoice: invoiceOf(1000, 91, { finalizedAt: null, createdAt: created }) }).issueDate).toBe(
      '10 March 2025',
    );
    expect(build({ issuedAt: new Date('2025-04-02T03:00:00Z') }).issueDate).toBe('2 April 2025');
  });

  it('lists each line with its quantity, price, the GST charged and its service period', () => {
    const [line] = build().lines;
    expect(line).toEqual({
      description: 'Pro (monthly)',
      quantity: 1,
      amount: { amount: 1000, currency: 'aud' },
      gst: { amount: 91, currency: 'aud' },
      expectedGst: { amount: 91, currency: 'aud' },
      taxTreatment: 'taxable',
      period: '1 Jan 2025 – 1 Feb 2025',
    });
  });

  it('states that the total includes GST when GST is exactly one eleventh of it', () => {
    const doc = build();
    expect(doc.gst).toEqual({ amount: 91, currency: 'aud' });
    expect(doc.taxLabel).toBe('GST 10% (included)');
    expect(doc.statements).toEqual(['Total price includes GST of $0.91.']);
    expect(doc.warnings).toEqual([]);
  });

  it('shows the GST Stripe charged and warns when it strays from our arithmetic by more than a cent', () => {
    const doc = build({ invoice: invoiceOf(1000, 80) });
    expect(doc.gst.amount).toBe(80);
    expect(doc.expectedGst.amount).toBe(91);
    expect(doc.statements).toEqual(['GST of $0.80 is included in the total.']);
    expect(doc.warnings).toEqual([
      'Line "Pro (monthly)": GST charged $0.80 differs from the expected $0.91 by more than 1 cent.',
    ]);
  });

  it('accepts a one-cent rounding difference without a warning', () => {
    expect(build({ invoice: invoiceOf(1000, 90) }).warnings).toEqual([]);
  });

  it('checks a discounted invoice against its discounted total, not its undiscounted lines', () => {
    // A$10.00 line, A$1.00 off: Stripe charges GST on A$9.00, which is A$0.82.
    const invoice = invoiceOf(1000, 82, { total: 900, amountPaid: 900, amountDue: 900 });
    const doc = build({ invoice });
    expect(doc.expectedGst.amount).toBe(82);
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toEqual(['Total price includes GST of $0.82.']);
  });

  it('works out GST on top of GST-exclusive prices', () => {
    const invoice = invoiceOf(1000, 100, { total: 1100, amountPaid: 1100, amountDue: 1100 });
    const doc = build({ invoice, tax: australianGst({ abn: '12345678901', pricesIncludeTax: false }) });
    expect(doc.lines[0]!.expectedGst.amount).toBe(100);
    expect(doc.taxLabel).toBe('GST 10%');
    expect(doc.statements).toEqual(['Prices are shown excluding GST; GST of $1.00 is added to the total.']);
    expect(doc.warnings).toEqual([]);
  });

  it('shows what is paid and what is still due', () => {
    const paid = build();
    expect(paid.statusLabel).toBe('PAID');
    expect(paid.paidDate).toBe('1 January 2025');
    expect(paid.amountDue.amount).toBe(0);

    const open = build({
      invoice: invoiceOf(1000, 91, { status: 'open', amountPaid: 500, amountRemaining: 500, paidAt: null }),
    });
    expect(open.statusLabel).toBe('AMOUNT DUE $5.00');
    expect(open.amountPaid.amount).toBe(500);
    expect(open.amountDue.amount).toBe(500);
    expect(open.paidDate).toBeNull();
  });

  it('owes nothing on a void invoice', () => {
    const doc = build({
      invoice: invoiceOf(1000, 91, { status: 'void', amountPaid: 0, amountRemaining: 1000 }),
    });
    expect(doc.statusLabel).toBe('VOID');
    expect(doc.amountDue.amount).toBe(0);
  });

  it('warns that a draft is not yet a valid tax invoice', () => {
    const doc = build({ invoice: invoiceOf(1000, 91, { status: 'draft', number: null, finalizedAt: null }) });
    expect(doc.number).toBe('Draft');
    expect(doc.statusLabel).toBe('DRAFT');
    expect(doc.warnings.join(' ')).toMatch(/draft/);
  });

  it('carries the brand footer', () => {
    const doc = build({ brand: resolveBrand({ name: 'Acme', abn: '12345678901', footer: 'Thanks!' }) });
    expect(doc.footer).toBe('Thanks!');
  });
});

describe('supplies to customers outside Australia', () => {
  it('are GST-free exports with no GST and a statement saying so', () => {
    const invoice = invoiceOf(1000, 0);
    const doc = build({ invoice, customer: aCustomer({ address: overseas('US') }) });
    expect(doc.lines.map((line) => [line.taxTreatment, line.gst.amount])).toEqual([['gst_free', 0]]);
    expect(doc.gst.amount).toBe(0);
    expect(doc.expectedGst.amount).toBe(0);
    expect(doc.taxLabel).toBe('GST');
    expect(doc.statements).toEqual([
      'GST-free export: no GST is included (supply to a customer outside Australia).',
    ]);
    expect(doc.buyer.addressLines).toEqual(['1 Main St', 'Springfield IL 62701', 'United States']);
    expect(doc.warnings).toEqual([]);
  });

  it('never hide GST that Stripe did charge: it is shown, and the host is warned', () => {
    const doc = build({ customer: aCustomer({ address: overseas('nz') }) });
    expect(doc.gst.amount).toBe(91);
    expect(doc.lines[0]!.taxTreatment).toBe('taxable');
    expect(doc.statements.join(' ')).not.toMatch(/GST-free export/);
    expect(doc.warnings).toEqual([
      'GST of $0.91 was charged to a customer in NZ; a supply to a customer outside Australia is usually a GST-free export.',
    ]);
  });

  it('are Australian when the country is unknown, so GST is expected', () => {
    const noCountry = { ...sydney(), country: null };
    for (const customer of [aCustomer({ address: noCountry }), aCustomer({ address: null }), null]) {
      const doc = build({ invoice: invoiceOf(1000, 0), customer });
      expect(doc.lines[0]!.taxTreatment).toBe('taxable');
      expect(doc.expectedGst.amount).toBe(91);
      expect(doc.warnings.join(' ')).toMatch(/differs from the expected \$0\.91/);
    }
  });
});

describe("the buyer's identity", () => {
  const anonymous: Partial<CustomerRecord> = { name: null, email: null, taxId: null, address: sydney() };

  it('is shown whenever known: name, email, address and a formatted ABN', () => {
    const customer = aCustomer({
      name: 'Big Buyer Pty Ltd',
      email: 'accounts@bigbuyer.example',
      taxId: { type: 'au_abn', value: '51824753556' },
      address: sydney(),
    });
    expect(build({ customer }).buyer).toEqual({
      name: 'Big Buyer Pty Ltd',
      email: 'accounts@bigbuyer.example',
      abn: '51 824 753 556',
      addressLines: ['1 George St', 'Sydney NSW 2000', 'Australia'],
    });
  });

  it('is required from A$1,000: an anonymous buyer gets a warning, not an error', () => {
    const doc = build({ invoice: invoiceOf(100_000, 9091), customer: aCustomer(anonymous) });
    expect(doc.warnings).toEqual([
      "The buyer has no name, email or ABN, but a tax invoice of A$1,000 or more must show the buyer's identity or ABN.",
    ]);
  });

  it('is not required below A$1,000', () => {
    const doc = build({ invoice: invoiceOf(99_999, 9091), customer: aCustomer(anonymous) });
    expect(doc.warnings).toEqual([]);
  });

  it('is satisfied by an ABN alone, or by an email alone', () => {
    const invoice = invoiceOf(120_000, 10_909);
    const withAbn = aCustomer({ ...anonymous, taxId: { type: 'au_abn', value: '51824753556' } });
    const withEmail = aCustomer({ ...anonymous, email: 'buyer@example.com' });
    expect(build({ invoice, customer: withAbn }).warnings).toEqual([]);
    expect(build({ invoice, customer: withEmail }).warnings).toEqual([]);
  });

  it('is missing when the customer is unknown', () => {
    const doc = build({ invoice: invoiceOf(120_000, 10_909), customer: null });
    expect(doc.buyer).toEqual({ name: null, email: null, abn: null, addressLines: [] });
    expect(doc.warnings.join(' ')).toMatch(/buyer's identity/);
  });

  it('ignores tax ids that are not an ABN', () => {
    const customer = aCustomer({ taxId: { type: 'eu_vat', value: 'DE123456789' } });
    expect(build({ customer }).buyer.abn).toBeNull();
  });
});

describe('a plain invoice (Stripe Tax or no tax)', () => {
  it('is titled "Invoice" and prints a Tax row only when tax was charged', () => {
    const taxed = build({ tax: stripeTax(), brand: resolveBrand({ name: 'Acme' }) });
    expect(taxed.title).toBe('Invoice');
    expect(taxed.taxLabel).toBe('Tax');
    expect(taxed.taxColumnLabel).toBe('Tax');
    expect(taxed.statements).toEqual([]);

    const untaxed = build({
      tax: noTax(),
      invoice: invoiceOf(1000, 0),
      brand: resolveBrand({ name: 'Acme' }),
    });
    expect(untaxed.taxLabel).toBeNull();
    expect(untaxed.taxColumnLabel).toBeNull();
  });

  it('does not ask for an ABN or a buyer identity, and dates are in UTC', () => {
    const doc = build({
      tax: noTax(),
      brand: resolveBrand({ name: 'Acme' }),
      invoice: invoiceOf(500_000, 0, { finalizedAt: new Date('2025-01-31T14:00:00Z') }),
      customer: null,
    });
    expect(doc.seller.abn).toBeNull();
    expect(doc.warnings).toEqual([]);
    expect(doc.issueDate).toBe('31 January 2025');
  });
});

describe('toWinAnsi', () => {
  it('keeps what the standard PDF fonts can print', () => {
    const text = 'Résumé – “quotes” ’n’ €5 · ½ Œuvre™ …';
    expect(toWinAnsi(text)).toBe(text);
  });

  it('replaces what they cannot print with "?", one per character', () => {
    expect(toWinAnsi('日本 Pty Ltd')).toBe('?? Pty Ltd');
    expect(toWinAnsi('Fun 🎉')).toBe('Fun ?');
  });

  it('turns line breaks and unusual spaces into plain spaces', () => {
    expect(toWinAnsi('a\nb\tc\u202Fd')).toBe('a b c d');
  });

  it('composes accents typed as separate marks', () => {
    expect(toWinAnsi('Re\u0301sume\u0301')).toBe('Résumé');
  });
});
