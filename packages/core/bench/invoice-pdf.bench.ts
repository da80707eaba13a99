// Invoice PDFs: how many invoice PDFs one core renders per second (document + PDF of a typical
// 3-line tax invoice with a logo, and the same without the logo), next to a baseline from the same
// run: pdf-lib drawing the same text on one A4 page with a standard font, its floor. The ratio says
// what our layout costs over that floor. Timed with tinybench through @billkit/bench-kit: RUNS timed
// runs of about a second per figure, the three alternating so run i of each is measured side by side.
// Run: `pnpm bench` in packages/core (BENCH_RUNS=N for more runs; the root `pnpm bench` collects it).

import { deflateSync } from 'node:zlib';
import { publish, RUNS, type TimedRuns, timeRuns } from '@billkit/bench-kit';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { type Brand, resolveBrand } from '../src/brand.js';
import { renderInvoicePdf } from '../src/invoices/invoice-pdf.js';
import { buildInvoiceDocument, type InvoiceDocument } from '../src/invoices/tax-invoice.js';
import type { InvoiceLineRecord } from '../src/store/records.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { aCustomer, anInvoice } from '../src/testing/builders.js';

const brand = resolveBrand({
  name: 'Résumé Co Pty Ltd',
  abn: '12 345 678 901',
  address: ['Level 2, 10 Pitt Street', 'Sydney NSW 2000'],
  logoPng: gradientPng(160, 48),
  supportEmail: 'billing@resume.example',
  website: 'https://resume.example',
  footer: 'Thank you for your business. Questions? billing@resume.example',
});
const tax = australianGst({ abn: '12345678901' });
const customer = aCustomer({
  name: 'Sam Citizen',
  address: {
    line1: '1 George Street',
    line2: null,
    city: 'Sydney',
    state: 'NSW',
    postalCode: '2000',
    country: 'AU',
  },
});
const invoice = anInvoice({
  number: 'RC-0042',
  lines: [
    line('Pro (monthly)', 1, 2900, 264),
    line('Extra seats (monthly)', 3, 3300, 300),
    line('Remaining time on Pro after 14 Jan 2025 (prorated)', 1, 1355, 123),
  ],
  subtotal: 7555,
  tax: 687,
  total: 7555,
  amountDue: 7555,
  amountPaid: 7555,
});

function line(description: string, quantity: number, amount: number, gst: number): InvoiceLineRecord {
  return {
    stripeLineId: `il_${description.length}`,
    description,
    amount,
    quantity,
    proration: false,
    tax: gst,
    stripePriceId: 'price_pro_month',
    periodStart: new Date('2025-01-01T00:00:00Z'),
    periodEnd: new Date('2025-02-01T00:00:00Z'),
  };
}

const brandWithoutLogo = resolveBrand({ ...brand, logoPng: undefined });

async function renderInvoice(withBrand: Brand): Promise<Uint8Array> {
  const doc = buildInvoiceDocument({ invoice, customer, brand: withBrand, tax });
  return renderInvoicePdf(doc, withBrand);
}

/** The baseline: the invoice's strings, one drawText each, on one A4 page with Helvetica. */
async function renderPlainPage(strings: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595.28, 841.89]);
  strings.forEach((text, index) => {
    page.drawText(text, { x: 48, y: 800 - (index % 60) * 12, size: 9, font });
  });
  return pdf.save();
}

/** Roughly every string the invoice prints, for the baseline to draw as much text. */
function printedStrings(doc: InvoiceDocument): string[] {
  const { seller, buyer } = doc;
  return [
    doc.title,
    doc.number,
    doc.issueDate,
    doc.statusLabel,
    seller.name,
    `ABN ${seller.abn}`,
    ...seller.addressLines,
    buyer.name ?? '',
    ...buyer.addressLines,
    ...doc.lines.flatMap((each) => [each.description, each.period, `${each.quantity}`, 'GST', 'Amount']),
    ...['Subtotal', 'GST 10% (included)', 'Total', 'Paid', 'Amount due'].flatMap((label) => [
      label,
      '$75.55',
    ]),
    ...doc.statements,
    doc.footer ?? '',
    'Page 1 of 1',
  ];
}

/** A PNG logo of `width`×`height` RGB pixels, made by hand (signature, IHDR, IDAT, IEND). */
function gradientPng(width: number, height: number): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(79, 70, Math.round((255 * x) / width));
  }
  return Uint8Array.from(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(Buffer.from(rows))),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const strings = printedStrings(buildInvoiceDocument({ invoice, customer, brand, tax }));

interface Task {
  name: string;
  render: () => Promise<Uint8Array>;
}
const floor: Task = { name: 'pdf-lib floor: one A4 page, same text', render: () => renderPlainPage(strings) };
const withLogo: Task = {
  name: 'invoice PDF: build + render, 3 lines, logo',
  render: () => renderInvoice(brand),
};
const noLogo: Task = { name: 'invoice PDF, no logo', render: () => renderInvoice(brandWithoutLogo) };
const tasks = [floor, withLogo, noLogo];

// Each must produce a PDF before it is timed.
const bytes = new Map<Task, number>();
for (const task of tasks) {
  const pdf = await task.render();
  if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw new Error(`${task.name}: did not produce a PDF`);
  }
  bytes.set(task, pdf.byteLength);
}

/** RUNS timed runs of each task (about a second each), alternating; warmed up before the first. */
async function measure(): Promise<Map<Task, TimedRuns>> {
  const results = new Map<Task, TimedRuns>(
    tasks.map((task) => [task, { perSecond: [], meanMs: [], p50Ms: [], p99Ms: [], calls: [] }]),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const task of tasks) {
      const timed = await timeRuns(task.name, task.render, {
        runs: 1,
        time: 1_000,
        warmup: run === 0 ? 'first' : 'none',
      });
      const into = results.get(task)!;
      for (const key of ['perSecond', 'meanMs', 'p50Ms', 'p99Ms', 'calls'] as const)
        into[key].push(...timed[key]);
    }
  }
  return results;
}

const results = await measure();
const kb = (task: Task) => `${((bytes.get(task) ?? 0) / 1024).toFixed(1)} kB`;

publish({
  title: 'Invoice PDFs',
  package: '@billkit/core',
  description:
    'Invoice PDFs rendered per second on one core (the tax invoice document built and rendered: 3 lines, ' +
    'GST, a 160×48 PNG logo), against the floor measured in the same run: pdf-lib drawing the same ' +
    'strings with Helvetica on one A4 page and saving it.',
  environment: { 'Strings per page': String(strings.length) },
  figures: [
    { id: 'floor', name: floor.name, unit: 'PDFs/s', better: 'higher', runs: results.get(floor)!.perSecond },
    {
      id: 'invoice',
      name: withLogo.name,
      unit: 'PDFs/s',
      better: 'higher',
      runs: results.get(withLogo)!.perSecond,
      baseline: 'floor',
    },
    {
      id: 'invoice-no-logo',
      name: noLogo.name,
      unit: 'PDFs/s',
      better: 'higher',
      runs: results.get(noLogo)!.perSecond,
      baseline: 'floor',
      note: "the logo's cost is the difference from the row above",
    },
  ],
  notes: [
    `PDF sizes: floor ${kb(floor)}, invoice ${kb(withLogo)}, invoice without logo ${kb(noLogo)}.`,
    'Renders run one at a time; each of the timed runs times the floor and both invoices in turn.',
  ],
});
