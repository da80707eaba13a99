// What an invoice says, as plain data: the fields an Australian tax invoice needs (ATO rules),
// worked out from the mirrored Stripe invoice, the customer and the brand. Renderers (the PDF, an
// email) only lay this out; every tax decision is made here.

import { type Brand, formatAbn } from '../brand.js';
import { formatMoney, type Money, money } from '../money.js';
import type { Address, CustomerRecord, InvoiceRecord, InvoiceStatus } from '../store/records.js';
import { gstFromExclusive, gstFromInclusive } from '../tax/gst.js';
import type { TaxStrategy } from '../tax/tax-strategy.js';

/** The ATO threshold (GST included) from which a tax invoice must identify the buyer: A$1,000. */
const BUYER_IDENTITY_THRESHOLD_MINOR = 100_000;

/** How far (in cents) a line's charged GST may stray from the computed GST before we warn. */
const GST_TOLERANCE_MINOR = 1;

export const GST_FREE_EXPORT_STATEMENT =
  'GST-free export: no GST is included (supply to a customer outside Australia).';

/** The parts of a tax strategy an invoice needs; a whole `TaxStrategy` fits. */
export interface InvoiceTaxInput {
  kind: TaxStrategy['kind'];
  /** The seller's registration; an `au_abn` is the ABN printed when the brand names none. */
  registration: TaxStrategy['registration'];
  /**
   * Whether line amounts include GST (Stripe's inclusive tax rate).
   * @default true, or what `defaultTaxBehavior` says when given
   */
  pricesIncludeTax?: boolean;
  defaultTaxBehavior?: TaxStrategy['defaultTaxBehavior'];
  /** The GST rate, a whole percentage. @default 10 */
  ratePercent?: number;
}

export interface BuildInvoiceDocumentInput {
  invoice: InvoiceRecord;
  /** The buyer; null when the customer is unknown to the mirror. */
  customer: CustomerRecord | null;
  brand: Brand;
  tax: InvoiceTaxInput;
  /** The date of issue. @default invoice.finalizedAt ?? invoice.createdAt */
  issuedAt?: Date;
  /**
   * The time zone the printed dates are in: the seller's, so the date of issue is the seller's date.
   * @default 'Australia/Sydney' under australian_gst, else 'UTC'
   */
  timeZone?: string;
}

/** Who is on either side of the sale. */
export interface InvoiceParty {
  name: string | null;
  email: string | null;
  /** Formatted `12 345 678 901`, or null. */
  abn: string | null;
  /** Postal address, one printed line each. */
  addressLines: string[];
}

export interface InvoiceSeller extends InvoiceParty {
  name: string;
  website: string | null;
}

/** The extent a line is a taxable sale: fully taxable, or GST-free (an export). */
export type TaxTreatment = 'taxable' | 'gst_free';

export interface InvoiceDocumentLine {
  description: string;
  quantity: number | null;
  /** The line's price as charged (GST included when prices include GST). */
  amount: Money;
  /** The GST (or tax) Stripe charged on the line. */
  gst: Money;
  /** The GST this line should carry by our own arithmetic. */
  expectedGst: Money;
  taxTreatment: TaxTreatment;
  /** The service period, e.g. `1 Jan 2025 – 1 Feb 2025`, or one date for a one-off item. */
  period: string;
}

/** Everything a renderer prints for one invoice. */
export interface InvoiceDocument {
  /** `tax_invoice` under Australian GST, else a plain `invoice`. */
  kind: 'tax_invoice' | 'invoice';
  title: 'Tax invoice' | 'Invoice';
  /** Stripe's invoice number; `Draft` before Stripe gives one. */
  number: string;
  issuedAt: Date;
  /** The date of issue as printed: `1 January 2025`. */
  issueDate: string;
  status: InvoiceStatus;
  /** `PAID`, `AMOUNT DUE $5.00`, `VOID` or `DRAFT`. */
  statusLabel: string;
  /** The payment date as printed, when paid. */
  paidDate: string | null;
  seller: InvoiceSeller;
  buyer: InvoiceParty;
  lines: InvoiceDocumentLine[];
  /** Lowercase ISO code, as Stripe writes it. */
  currency: string;
  subtotal: Money;
  /** The tax Stripe charged (GST under australian_gst): the mirrored invoice's `tax`. */
  gst: Money;
  /** The GST by our own arithmetic; a difference beyond a cent a line is in `warnings`. */
  expectedGst: Money;
  /** The totals row for the tax (`GST 10% (included)`, `Tax`); null when no tax row is printed. */
  taxLabel: string | null;
  /** The lines' tax column heading (`GST`, `Tax`); null when no tax column is printed. */
  taxColumnLabel: string | null;
  total: Money;
  amountPaid: Money;
  /** What is still owed. */
  amountDue: Money;
  /** Sentences printed under the totals, e.g. `Total price includes GST of $0.91.` */
  statements: string[];
  footer: string | null;
  /** Problems for the host (missing buyer identity, GST that does not add up); never printed. */
  warnings: string[];
}

/** What an invoice prints: a tax invoice under Australian GST. Problems go to `warnings`, never thrown. */
export function buildInvoiceDocument(input: BuildInvoiceDocumentInput): InvoiceDocument {
  const { invoice, customer, brand, tax } = input;
  const isGst = tax.kind === 'australian_gst';
  const inclusive = tax.pricesIncludeTax ?? tax.defaultTaxBehavior !== 'exclusive';
  const ratePercent = tax.ratePercent ?? 10;
  const currency = invoice.currency.toLowerCase();
  const cash = (amount: number): Money => money(amount, currency);
  const dates = dateFormats(input.timeZone ?? (isGst ? 'Australia/Sydney' : 'UTC'));
  const issuedAt = input.issuedAt ?? invoice.finalizedAt ?? invoice.createdAt;
  const exportCountry = isGst ? exportCountryOf(customer) : null;
  const warnings: string[] = [];

  const lines = invoice.lines.map((line): InvoiceDocumentLine => {
    const gstFree = exportCountry !== null && line.tax === 0;
    const expected = expectedLineGst(line.amount, { isGst, exportCountry, inclusive, ratePercent });
    if (line.description === null) warnings.push(`Line ${line.stripeLineId} has no description to print.`);
    return {
      description: line.description ?? 'Item',
      quantity: line.quantity,
      amount: cash(line.amount),
      gst: cash(line.tax),
      expectedGst: cash(expected),
      taxTreatment: gstFree ? 'gst_free' : 'taxable',
      period: dates.period(line.periodStart, line.periodEnd),
    };
  });

  const expectedGst = isGst
    ? expectedInvoiceGst(invoice, lines, { exportCountry, inclusive, ratePercent })
    : 0;
  if (isGst) warnings.push(...gstWarnings(invoice, lines, { expectedGst, exportCountry, inclusive }));

  const seller = sellerOf(brand, tax);
  const buyer = buyerOf(customer);
  if (isGst) warnings.push(...taxInvoiceWarnings(invoice, seller, buyer));

  const amountDue = invoice.status === 'void' ? 0 : invoice.amountRemaining;
  return {
    kind: isGst ? 'tax_invoice' : 'invoice',
    title: isGst ? 'Tax invoice' : 'Invoice',
    number: invoice.number ?? 'Draft',
    issuedAt,
    issueDate: dates.long(issuedAt),
    status: invoice.status,
    statusLabel: statusLabelOf(invoice.status, cash(amountDue)),
    paidDate: invoice.status === 'paid' && invoice.paidAt ? dates.long(invoice.paidAt) : null,
    seller,
    buyer,
    lines,
    currency,
    subtotal: cash(invoice.subtotal),
    gst: cash(invoice.tax),
    expectedGst: cash(expectedGst),
    taxLabel: taxLabelOf(invoice.tax, lines, { isGst, inclusive, ratePercent }),
    taxColumnLabel: isGst ? 'GST' : invoice.tax !== 0 ? 'Tax' : null,
    total: cash(invoice.total),
    amountPaid: cash(invoice.amountPaid),
    amountDue: cash(amountDue),
    statements: isGst ? gstStatements(invoice, lines, { exportCountry, inclusive, currency }) : [],
    footer: brand.footer ?? null,
    warnings,
  };
}

/**
 * Text the PDF standard fonts can print (they encode WinAnsi, Windows-1252): keeps what WinAnsi has
 * (é, –, ’, €, …), turns other spaces and line breaks into spaces, and anything else into `?`.
 */
export function toWinAnsi(text: string): string {
  let printable = '';
  for (const character of text.normalize('NFC')) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (isWinAnsi(codePoint)) printable += character;
    else if (/\s/u.test(character)) printable += ' ';
    else if (codePoint === 0x2212) printable += '-';
    else printable += '?';
  }
  return printable;
}

/** Windows-1252 beyond Latin-1: the characters it puts in 0x80–0x9F. */
const WIN_ANSI_EXTRAS = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

function isWinAnsi(codePoint: number): boolean {
  if (codePoint >= 0x20 && codePoint <= 0x7e) return true;
  if (codePoint >= 0xa0 && codePoint <= 0xff) return true;
  return WIN_ANSI_EXTRAS.has(codePoint);
}

/**
 * The customer's country when it is set and is not Australia: a supply to them is a GST-free export.
 * An unknown country counts as Australian, so GST is never dropped on a guess.
 */
function exportCountryOf(customer: CustomerRecord | null): string | null {
  const country = customer?.address?.country?.trim().toUpperCase();
  if (!country || country === 'AU') return null;
  return country;
}

function expectedLineGst(
  amount: number,
  context: { isGst: boolean; exportCountry: string | null; inclusive: boolean; ratePercent: number },
): number {
  if (!context.isGst || context.exportCountry !== null) return 0;
  return inclusiveOrExclusiveGst(amount, context.inclusive, context.ratePercent);
}

function inclusiveOrExclusiveGst(amount: number, inclusive: boolean, ratePercent: number): number {
  return inclusive ? gstFromInclusive(amount, ratePercent) : gstFromExclusive(amount, ratePercent);
}

/**
 * The invoice's expected GST: the sum of its lines', unless a discount moved the total away from
 * the lines (Stripe taxes the discounted amount, which the lines do not show); then from the total.
 */
function expectedInvoiceGst(
  invoice: InvoiceRecord,
  lines: InvoiceDocumentLine[],
  context: { exportCountry: string | null; inclusive: boolean; ratePercent: number },
): number {
  if (context.exportCountry !== null) return 0;
  if (!hasDiscount(invoice, context.inclusive)) {
    return lines.reduce((sum, line) => sum + line.expectedGst.amount, 0);
  }
  const taxableBase = context.inclusive ? invoice.total : invoice.total - invoice.tax;
  return inclusiveOrExclusiveGst(taxableBase, context.inclusive, context.ratePercent);
}

function hasDiscount(invoice: InvoiceRecord, inclusive: boolean): boolean {
  const undiscountedTotal = inclusive ? invoice.subtotal : invoice.subtotal + invoice.tax;
  return invoice.total !== undiscountedTotal;
}

function gstWarnings(
  invoice: InvoiceRecord,
  lines: InvoiceDocumentLine[],
  context: { expectedGst: number; exportCountry: string | null; inclusive: boolean },
): string[] {
  const { expectedGst, exportCountry, inclusive } = context;
  const currency = invoice.currency;
  if (exportCountry !== null && invoice.tax !== 0) {
    return [
      `GST of ${formatMoney(money(invoice.tax, currency))} was charged to a customer in ${exportCountry}; ` +
        'a supply to a customer outside Australia is usually a GST-free export.',
    ];
  }
  // Under a discount the lines show undiscounted prices, so only the invoice's GST can be checked.
  const lineWarnings = hasDiscount(invoice, inclusive)
    ? []
    : lines
        .filter((line) => Math.abs(line.gst.amount - line.expectedGst.amount) > GST_TOLERANCE_MINOR)
        .map(
          (line) =>
            `Line "${line.description}": GST charged ${formatMoney(line.gst)} differs from the expected ` +
            `${formatMoney(line.expectedGst)} by more than 1 cent.`,
        );
  if (lineWarnings.length > 0) return lineWarnings;
  const tolerance = GST_TOLERANCE_MINOR * Math.max(1, lines.length);
  if (Math.abs(invoice.tax - expectedGst) <= tolerance) return [];
  return [
    `GST charged ${formatMoney(money(invoice.tax, currency))} differs from the expected ` +
      `${formatMoney(money(expectedGst, currency))} by more than 1 cent a line.`,
  ];
}

function taxInvoiceWarnings(invoice: InvoiceRecord, seller: InvoiceSeller, buyer: InvoiceParty): string[] {
  const warnings: string[] = [];
  if (seller.abn === null) {
    warnings.push("No seller ABN: a tax invoice must show it; set brand.abn or the tax strategy's ABN.");
  }
  const buyerKnown = buyer.name !== null || buyer.email !== null || buyer.abn !== null;
  if (!buyerKnown && buyerIdentityRequired(invoice)) {
    warnings.push(
      'The buyer has no name, email or ABN, but a tax invoice of A$1,000 or more must show the ' +
        "buyer's identity or ABN.",
    );
  }
  if (invoice.currency.toLowerCase() !== 'aud') {
    warnings.push(
      `The invoice is in ${invoice.currency.toUpperCase()}: a tax invoice must also state the GST in ` +
        'Australian dollars.',
    );
  }
  if (invoice.status === 'draft') {
    warnings.push('The invoice is a draft: it is not a valid tax invoice until Stripe finalizes it.');
  }
  return warnings;
}

/** A$1,000 or more needs the buyer's identity; in another currency the A$ value is unknown, so always. */
function buyerIdentityRequired(invoice: InvoiceRecord): boolean {
  if (invoice.currency.toLowerCase() !== 'aud') return true;
  return invoice.total >= BUYER_IDENTITY_THRESHOLD_MINOR;
}

function sellerOf(brand: Brand, tax: InvoiceTaxInput): InvoiceSeller {
  const registeredAbn = tax.registration?.type === 'au_abn' ? tax.registration.value : null;
  const abn = brand.abn ?? registeredAbn;
  return {
    name: brand.name,
    email: brand.supportEmail ?? null,
    abn: abn ? formatAbn(abn) : null,
    addressLines: [...brand.address],
    website: brand.website ?? null,
  };
}

function buyerOf(customer: CustomerRecord | null): InvoiceParty {
  if (!customer) return { name: null, email: null, abn: null, addressLines: [] };
  const abn = customer.taxId?.type === 'au_abn' ? formatAbn(customer.taxId.value) : null;
  return {
    name: nonBlank(customer.name),
    email: nonBlank(customer.email),
    abn,
    addressLines: customer.address ? addressLinesOf(customer.address) : [],
  };
}

function addressLinesOf(address: Address): string[] {
  const locality = [address.city, address.state, address.postalCode].map(nonBlank).filter(Boolean).join(' ');
  const country = address.country ? countryName(address.country) : null;
  return [address.line1, address.line2, locality, country].map(nonBlank).filter((line) => line !== null);
}

function countryName(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) return code;
  return new Intl.DisplayNames('en-AU', { type: 'region' }).of(upper) ?? upper;
}

function nonBlank(text: string | null): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

function statusLabelOf(status: InvoiceStatus, amountDue: Money): string {
  if (status === 'paid') return 'PAID';
  if (status === 'void') return 'VOID';
  if (status === 'draft') return 'DRAFT';
  return `AMOUNT DUE ${formatMoney(amountDue)}`;
}

function taxLabelOf(
  taxCharged: number,
  lines: InvoiceDocumentLine[],
  context: { isGst: boolean; inclusive: boolean; ratePercent: number },
): string | null {
  if (!context.isGst) return taxCharged !== 0 ? 'Tax' : null;
  const anyTaxable = lines.some((line) => line.taxTreatment === 'taxable');
  if (!anyTaxable) return 'GST';
  return context.inclusive ? `GST ${context.ratePercent}% (included)` : `GST ${context.ratePercent}%`;
}

/** The sentences that state how much of the sale is taxable and the GST in it. */
function gstStatements(
  invoice: InvoiceRecord,
  lines: InvoiceDocumentLine[],
  context: { exportCountry: string | null; inclusive: boolean; currency: string },
): string[] {
  const gst = formatMoney(money(invoice.tax, context.currency));
  const gstFreeLines = lines.filter((line) => line.taxTreatment === 'gst_free').length;
  if (context.exportCountry !== null && invoice.tax === 0) return [GST_FREE_EXPORT_STATEMENT];
  const statements: string[] = [];
  if (invoice.tax !== 0 && context.inclusive && invoice.tax === gstFromInclusive(invoice.total)) {
    statements.push(`Total price includes GST of ${gst}.`);
  } else if (invoice.tax !== 0 && context.inclusive) {
    statements.push(`GST of ${gst} is included in the total.`);
  } else if (invoice.tax !== 0) {
    statements.push(`Prices are shown excluding GST; GST of ${gst} is added to the total.`);
  }
  if (gstFreeLines > 0 && gstFreeLines < lines.length) {
    statements.push('Lines marked GST-free include no GST.');
  }
  return statements;
}

function dateFormats(timeZone: string) {
  const long = new Intl.DateTimeFormat('en-AU', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  const short = new Intl.DateTimeFormat('en-AU', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone,
  });
  return {
    long: (date: Date) => long.format(date),
    period(start: Date, end: Date): string {
      const from = short.format(start);
      const to = short.format(end);
      return from === to ? from : `${from} – ${to}`;
    },
  };
}
