import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it, vi } from 'vitest';
import { type BrandInput, resolveBrand } from '../brand.js';
import { BillingError } from '../errors/billing-error.js';
import type { Address, CustomerRecord, InvoiceLineRecord, InvoiceRecord } from '../store/records.js';
import { australianGst } from '../tax/tax-strategy.js';
import { aCustomer, anInvoice } from '../testing/builders.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { buildInvoiceDocument } from './tax-invoice.js';

const A4_WIDTH = 595.28;
/** pdfjs's copies of the 14 standard fonts, so it measures Helvetica as a viewer would. */
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const standardFontDataUrl = `${join(pdfjsRoot, 'standard_fonts')}/`;

// ---- a PNG made by hand: signature, IHDR, IDAT, IEND, each chunk with its CRC-32 ----------------

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A 1×1 PNG of one RGB colour. */
function onePixelPng(red: number, green: number, blue: number): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const scanline = Uint8Array.from([0, red, green, blue]); // filter byte, then the pixel
  return Uint8Array.from(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(scanline)),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

// ---- reading a PDF back the way a viewer does -------------------------------------------------

interface ReadPdf {
  /** Each page's text: its items in drawing order, joined by single spaces. */
  pages: string[];
  title: unknown;
  producer: unknown;
  imagesOnFirstPage: number;
  /** Text items whose right edge is past the page's right margin. */
  overflowing: string[];
}

async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    // No isEvalSupported: pdfjs 5 dropped the option (it no longer compiles fonts with eval).
    standardFontDataUrl,
  }).promise;
  try {
    const pages: string[] = [];
    const overflowing: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const items = content.items.flatMap((item) => ('str' in item ? [item] : []));
      pages.push(
        items
          .map((item) => item.str)
          .join(' ')
          .replace(/\s+/g, ' '),
      );
      for (const item of items) {
        if (item.transform[4] + item.width > A4_WIDTH - 40) overflowing.push(item.str);
      }
    }
    const firstPage = await pdf.getPage(1);
    const operators = await firstPage.getOperatorList();
    const imagesOnFirstPage = operators.fnArray.filter((op) => op === OPS.paintImageXObject).length;
    const info = (await pdf.getMetadata()).info as Record<string, unknown>;
    return { pages, title: info.Title, producer: info.Producer, imagesOnFirstPage, overflowing };
  } finally {
    await pdf.destroy();
  }
}

// ---- the invoices -----------------------------------------------------------------------------

const brandInput: BrandInput = {
  name: 'Résumé Co Pty Ltd',
  abn: '12 345 678 901',
  address: ['Level 2, 10 Pitt Street', 'Sydney NSW 2000'],
  logoPng: onePixelPng(79, 70, 229),
  colors: { primary: '#0f766e', text: '#111827', muted: '#6b7280' },
  footer: 'Thank you for your business. Questions? billing@resume.example',
};
const brand = resolveBrand(brandInput);
const gst = australianGst({ abn: '12345678901' });

const sydney: Address = {
  line1: '1 George Street',
  line2: null,
  city: 'Sydney',
  state: 'NSW',
  postalCode: '2000',
  country: 'AU',
};

function line(description: string, amount: number, tax: number): InvoiceLineRecord {
  return {
    stripeLineId: `il_${description.replace(/\W+/g, '_')}`,
    description,
    amount,
    quantity: 1,
    proration: false,
    tax,
    stripePriceId: 'price_pro_month',
    periodStart: new Date('2025-01-01T00:00:00Z'),
    periodEnd: new Date('2025-02-01T00:00:00Z'),
  };
}

/** A paid, GST-inclusive invoice made of `lines`, finalized on 1 January 2025 (Sydney). */
function paidInvoice(lines: InvoiceLineRecord[], overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const total = lines.reduce((sum, each) => sum + each.amount, 0);
  const tax = lines.reduce((sum, each) => sum + each.tax, 0);
  return anInvoice({
    number: 'RC-0042',
    subtotal: total,
    tax,
    total,
    amountDue: total,
    amountPaid: total,
    amountRemaining: 0,
    lines,
    finalizedAt: new Date('2025-01-01T00:00:01Z'),
    ...overrides,
  });
}

async function render(invoice: InvoiceRecord, customer: CustomerRecord | null, withBrand = brand) {
  const doc = buildInvoiceDocument({ invoice, customer, brand: withBrand, tax: gst });
  return renderInvoicePdf(doc, withBrand);
}

describe('the invoice PDF', () => {
  it('shows every ATO tax-invoice field for a A$10.00 GST-inclusive sale', async () => {
    const invoice = paidInvoice([line('Pro (monthly)', 1000, 91)]);
    const customer = aCustomer({ name: 'Sam Citizen', email: 'sam@example.com', address: sydney });
    const pdf = await readPdf(await render(invoice, customer));
    const text = pdf.pages.join(' ');

    expect(pdf.pages).toHaveLength(1);
    expect(text).toContain('Tax invoice');
    expect(text).toContain('Résumé Co Pty Ltd');
    expect(text).toContain('ABN 12 345 678 901');
    expect(text).toContain('1 January 2025');
    expect(text).toContain('RC-0042');
    expect(text).toContain('Pro (monthly)');
    expect(text).toContain('1 Jan 2025 – 1 Feb 2025');
    expect(text).toMatch(/GST 10% \(included\) \$0\.91/);
    expect(text).toContain('Total price includes GST of $0.91.');
    expect(text).toMatch(/Total \$10\.00/);
    expect(text).toContain('PAID');
    expect(text).toContain('Sam Citizen');
    expect(text).toContain('Thank you for your business.');
    expect(pdf.title).toBe('Tax invoice RC-0042');
    expect(pdf.producer).toBe('Billkit');
  });

  it('draws the brand logo when there is one, and none otherwise', async () => {
    const invoice = paidInvoice([line('Pro (monthly)', 1000, 91)]);
    const noLogo = resolveBrand({ ...brandInput, logoPng: undefined });
    expect((await readPdf(await render(invoice, null))).imagesOnFirstPage).toBe(1);
    expect((await readPdf(await render(invoice, null, noLogo))).imagesOnFirstPage).toBe(0);
  });

  it('names the buyer and their ABN on a A$1,200.00 invoice', async () => {
    const invoice = paidInvoice([line('Team plan (annual)', 120_000, 10_909)]);
    const customer = aCustomer({
      name: 'Big Buyer Pty Ltd',
      taxId: { type: 'au_abn', value: '51824753556' },
      address: sydney,
    });
    const text = (await readPdf(await render(invoice, customer))).pages.join(' ');
    expect(text).toContain('Bill to');
    expect(text).toContain('Big Buyer Pty Ltd');
    expect(text).toContain('ABN 51 824 753 556');
    expect(text).toMatch(/Total \$1,200\.00/);
    expect(text).toContain('Total price includes GST of $109.09.');
  });

  it('marks a sale to an overseas customer as a GST-free export with no GST', async () => {
    const invoice = paidInvoice([line('Pro (monthly)', 1000, 0)]);
    const customer = aCustomer({
      name: 'Jo Public',
      address: { ...sydney, city: 'Austin', state: 'TX', country: 'US' },
    });
    const text = (await readPdf(await render(invoice, customer))).pages.join(' ');
    expect(text).toContain('GST-free export: no GST is included (supply to a customer outside Australia).');
    expect(text).toMatch(/GST \$0\.00/);
    expect(text).toContain('United States');
    expect(text).not.toContain('includes GST of');
  });

  it('flows 60 lines onto further pages, repeating the header, and loses none', async () => {
    const lines = Array.from({ length: 60 }, (_, index) =>
      line(`Seat ${String(index + 1).padStart(2, '0')} licence`, 1100, 100),
    );
    const pdf = await readPdf(await render(paidInvoice(lines), aCustomer({ address: sydney })));
    const text = pdf.pages.join(' ');

    expect(pdf.pages.length).toBeGreaterThan(1);
    for (let seat = 1; seat <= 60; seat++) {
      expect(text).toContain(`Seat ${String(seat).padStart(2, '0')} licence`);
    }
    pdf.pages.forEach((page, index) => {
      expect(page).toContain('Tax invoice');
      expect(page).toContain('RC-0042');
      expect(page).toContain('Description Period Qty GST Amount');
      expect(page).toContain(`Page ${index + 1} of ${pdf.pages.length}`);
    });
    expect(pdf.pages.at(-1)).toMatch(/Total \$660\.00/);
    expect(pdf.overflowing).toEqual([]);
  });

  it('wraps a long description inside its column', async () => {
    const words = Array.from({ length: 40 }, (_, index) => `word${index}`);
    const unbroken = 'Supercalifragilisticexpialidocious'.repeat(4);
    const invoice = paidInvoice([line(`${words.join(' ')} ${unbroken}`, 1000, 91)]);
    const pdf = await readPdf(await render(invoice, null));
    const text = pdf.pages.join(' ');

    for (const word of words) expect(text).toContain(word);
    expect(text.replace(/ /g, '')).toContain(unbroken);
    expect(pdf.overflowing).toEqual([]);
  });

  it('cuts a description taller than a page short rather than paging forever', async () => {
    const endless = Array.from({ length: 3000 }, (_, index) => `w${index}`).join(' ');
    const pdf = await readPdf(await render(paidInvoice([line(endless, 1000, 91)]), null));
    expect(pdf.pages.length).toBeLessThanOrEqual(2);
    expect(pdf.pages.join(' ')).toContain('w0 w1 w2');
    expect(pdf.pages.join(' ')).toContain('…');
    expect(pdf.pages.join(' ')).toContain('Total price includes GST of $0.91.');
  });

  it('prints a long brand footer whole on every page', async () => {
    const footer = `${'Payment terms: 14 days from the date of issue. '.repeat(10)}End of terms.`;
    const withFooter = resolveBrand({ ...brandInput, footer });
    const lines = Array.from({ length: 40 }, (_, index) => line(`Seat ${index + 1}`, 1100, 100));
    const pdf = await readPdf(await render(paidInvoice(lines), null, withFooter));
    expect(pdf.pages.length).toBeGreaterThan(1);
    for (const page of pdf.pages) expect(page).toContain(footer);
  });

  it('is byte-for-byte the same when rendered again a day later', async () => {
    const invoice = paidInvoice([line('Pro (monthly)', 1000, 91)]);
    const customer = aCustomer({ name: 'Sam Citizen', address: sydney });
    // Only Date is faked: pdf-lib stamps documents with the current time unless told otherwise.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2025-06-01T09:00:00Z'));
      const first = await render(invoice, customer);
      vi.setSystemTime(new Date('2025-06-02T17:30:00Z'));
      const second = await render(invoice, customer);
      expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('prints names the standard fonts cannot encode with "?" instead of failing', async () => {
    const invoice = paidInvoice([line('日本 support plan', 1000, 91)]);
    const customer = aCustomer({ name: '日本 Trading 🎌', address: sydney });
    const text = (await readPdf(await render(invoice, customer))).pages.join(' ');
    expect(text).toContain('?? support plan');
    expect(text).toContain('?? Trading ?');
  });

  it('refuses a logo that is not a PNG, naming the brand setting', async () => {
    const badLogo = resolveBrand({ ...brandInput, logoPng: new Uint8Array([1, 2, 3]) });
    const rendering = render(paidInvoice([line('Pro (monthly)', 1000, 91)]), null, badLogo);
    await expect(rendering).rejects.toThrow(BillingError);
    await expect(rendering).rejects.toThrow(/brand\.logoPng/);
  });
});
