// Lays an InvoiceDocument out on A4 pages with pdf-lib and the standard Helvetica fonts. Only
// layout lives here: what the invoice says was decided by buildInvoiceDocument. The same document
// always gives the same bytes (fixed dates and producer), so PDFs can be cached and compared.

import type { PDFDocument, PDFFont, PDFImage, PDFPage, RGB, rgb as RgbFn } from 'pdf-lib';
import type { Brand } from '../brand.js';
import { BillingError } from '../errors/billing-error.js';
import { formatMoney } from '../money.js';
import { type InvoiceDocument, type InvoiceDocumentLine, toWinAnsi } from './tax-invoice.js';

const PAGE_WIDTH = 595.28; // A4, points
const PAGE_HEIGHT = 841.89;
const MARGIN = 48;
const CONTENT_RIGHT = PAGE_WIDTH - MARGIN;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const FOOTER_LINE_HEIGHT = 10;
/** A row's cell never wraps past this, so any row fits on a fresh page (and pagination ends). */
const MAX_CELL_LINES = 40;
const LOGO_MAX_WIDTH = 150;
const LOGO_MAX_HEIGHT = 56;
const BODY_SIZE = 9;
const LINE_GAP = 3;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

interface Palette {
  primary: RGB;
  text: RGB;
  muted: RGB;
  rule: RGB;
}

interface Column {
  heading: string;
  width: number;
  align: 'left' | 'right';
  cell: (line: InvoiceDocumentLine) => string;
}

/** What each drawing step needs: the PDF, fonts, colours, and where the pen is. */
interface Pen {
  pdf: PDFDocument;
  fonts: Fonts;
  palette: Palette;
  doc: InvoiceDocument;
  page: PDFPage;
  y: number;
  /** The lowest y content may reach: the footer is below it. */
  bottom: number;
  footerLines: string[];
}

/** Renders the invoice (a tax invoice under Australian GST) as PDF bytes: A4, brand colours and logo. */
export async function renderInvoicePdf(doc: InvoiceDocument, brand: Brand): Promise<Uint8Array> {
  // Loaded on first render, so importing the core does not parse pdf-lib.
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const pdf = await PDFDocument.create({ updateMetadata: false });
  setMetadata(pdf, doc);
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const palette: Palette = {
    primary: hexToRgb(rgb, brand.colors.primary),
    text: hexToRgb(rgb, brand.colors.text),
    muted: hexToRgb(rgb, brand.colors.muted),
    rule: rgb(0.85, 0.86, 0.88),
  };
  const logo = brand.logoPng ? await embedLogo(pdf, brand.logoPng) : null;

  const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const footerLines = doc.footer ? wrapText(doc.footer, fonts.regular, 8, CONTENT_WIDTH - 80) : [];
  const bottom = MARGIN + Math.max(1, footerLines.length) * FOOTER_LINE_HEIGHT + 16;
  const pen: Pen = { pdf, fonts, palette, doc, page, y: PAGE_HEIGHT - MARGIN, bottom, footerLines };
  drawFirstPageHeader(pen, logo);
  drawTable(pen, tableColumns(doc));
  drawTotals(pen);
  drawStatements(pen);
  drawPageFooters(pen);
  return pdf.save();
}

function setMetadata(pdf: PDFDocument, doc: InvoiceDocument): void {
  pdf.setTitle(toWinAnsi(`${doc.title} ${doc.number}`));
  pdf.setAuthor(toWinAnsi(doc.seller.name));
  pdf.setSubject(toWinAnsi(`${doc.title} ${doc.number} from ${doc.seller.name}`));
  pdf.setProducer('Billkit');
  pdf.setCreator('Billkit');
  pdf.setCreationDate(doc.issuedAt);
  pdf.setModificationDate(doc.issuedAt);
}

async function embedLogo(pdf: PDFDocument, png: Uint8Array): Promise<PDFImage> {
  try {
    return await pdf.embedPng(png);
  } catch (error) {
    throw new BillingError('invalid_input', 'brand.logoPng is not a PNG image that can be drawn.', {
      cause: error,
    });
  }
}

function hexToRgb(rgb: typeof RgbFn, hex: string): RGB {
  const channel = (offset: number) => Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return rgb(channel(1), channel(3), channel(5));
}

// ---- header -------------------------------------------------------------------------------------

function drawFirstPageHeader(pen: Pen, logo: PDFImage | null): void {
  const top = pen.y;
  const logoBottom = logo ? drawLogo(pen, logo, top) : top;
  const metaBottom = drawTitleAndMeta(pen, top);
  pen.y = Math.min(logoBottom, metaBottom) - 24;

  const partiesTop = pen.y;
  const sellerBottom = drawParty(pen, MARGIN, partiesTop, 'From', sellerLines(pen.doc));
  const buyer = buyerLines(pen.doc);
  // An unknown buyer gets no empty "Bill to" block (buildInvoiceDocument warns when one is required).
  const buyerBottom =
    buyer.length > 0 ? drawParty(pen, MARGIN + CONTENT_WIDTH / 2, partiesTop, 'Bill to', buyer) : partiesTop;
  pen.y = Math.min(sellerBottom, buyerBottom) - 20;
}

function drawLogo(pen: Pen, logo: PDFImage, top: number): number {
  const scale = Math.min(LOGO_MAX_WIDTH / logo.width, LOGO_MAX_HEIGHT / logo.height, 1);
  const { width, height } = logo.scale(scale);
  pen.page.drawImage(logo, { x: MARGIN, y: top - height, width, height });
  return top - height;
}

/** Title, number, date of issue and status, right-aligned; returns the y below them. */
function drawTitleAndMeta(pen: Pen, top: number): number {
  const { fonts, palette, doc } = pen;
  let y = top - 22;
  drawRight(pen, doc.title, CONTENT_RIGHT, y, { font: fonts.bold, size: 22, color: palette.primary });
  y -= 22;
  const rows: Array<[string, string]> = [
    ['Invoice number', doc.number],
    ['Date of issue', doc.issueDate],
  ];
  if (doc.paidDate) rows.push(['Date paid', doc.paidDate]);
  for (const [label, value] of rows) {
    // Label before value, so text read out of the PDF (search, screen readers) is in reading order.
    const valueWidth = fonts.bold.widthOfTextAtSize(toWinAnsi(value), BODY_SIZE);
    drawRight(pen, label, CONTENT_RIGHT - valueWidth - 8, y, {
      font: fonts.regular,
      size: BODY_SIZE,
      color: palette.muted,
    });
    drawRight(pen, value, CONTENT_RIGHT, y, { font: fonts.bold, size: BODY_SIZE, color: palette.text });
    y -= BODY_SIZE + LINE_GAP + 2;
  }
  y -= 4;
  const statusColor = doc.status === 'paid' ? palette.primary : palette.text;
  drawRight(pen, doc.statusLabel, CONTENT_RIGHT, y - 3, { font: fonts.bold, size: 12, color: statusColor });
  return y - 12;
}

interface PartyLine {
  text: string;
  bold?: boolean;
}

function sellerLines(doc: InvoiceDocument): PartyLine[] {
  const { seller } = doc;
  const lines: PartyLine[] = [{ text: seller.name, bold: true }];
  if (seller.abn) lines.push({ text: `ABN ${seller.abn}` });
  for (const line of seller.addressLines) lines.push({ text: line });
  if (seller.email) lines.push({ text: seller.email });
  if (seller.website) lines.push({ text: seller.website });
  return lines;
}

function buyerLines(doc: InvoiceDocument): PartyLine[] {
  const { buyer } = doc;
  const lines: PartyLine[] = [];
  if (buyer.name) lines.push({ text: buyer.name, bold: true });
  if (buyer.abn) lines.push({ text: `ABN ${buyer.abn}` });
  if (buyer.email) lines.push({ text: buyer.email });
  for (const line of buyer.addressLines) lines.push({ text: line });
  return lines;
}

/** A labelled block of lines in a half-width column; returns the y below it. */
function drawParty(pen: Pen, x: number, top: number, label: string, lines: PartyLine[]): number {
  const { fonts, palette } = pen;
  const width = CONTENT_WIDTH / 2 - 16;
  let y = top - BODY_SIZE;
  drawText(pen, label, x, y, { font: fonts.bold, size: 8, color: palette.muted });
  y -= 14;
  for (const line of lines) {
    const font = line.bold ? fonts.bold : fonts.regular;
    const size = line.bold ? 10 : BODY_SIZE;
    for (const wrapped of wrapText(line.text, font, size, width)) {
      drawText(pen, wrapped, x, y, { font, size, color: palette.text });
      y -= size + LINE_GAP;
    }
  }
  return y;
}

/** The heading of pages after the first: which invoice this is a page of. */
function drawContinuationHeader(pen: Pen): void {
  const { fonts, palette, doc } = pen;
  const y = pen.y - 14;
  drawText(pen, `${doc.title} ${doc.number}`, MARGIN, y, {
    font: fonts.bold,
    size: 14,
    color: palette.primary,
  });
  drawRight(pen, doc.issueDate, CONTENT_RIGHT, y, {
    font: fonts.regular,
    size: BODY_SIZE,
    color: palette.muted,
  });
  pen.y = y - 24;
}

// ---- lines table --------------------------------------------------------------------------------

function tableColumns(doc: InvoiceDocument): Column[] {
  const fixed: Column[] = [
    { heading: 'Period', width: 118, align: 'left', cell: (line) => line.period },
    {
      heading: 'Qty',
      width: 34,
      align: 'right',
      cell: (line) => (line.quantity === null ? '' : `${line.quantity}`),
    },
  ];
  if (doc.taxColumnLabel) {
    fixed.push({ heading: doc.taxColumnLabel, width: 62, align: 'right', cell: taxCell });
  }
  fixed.push({ heading: 'Amount', width: 72, align: 'right', cell: (line) => formatMoney(line.amount) });
  const descriptionWidth = CONTENT_WIDTH - fixed.reduce((sum, column) => sum + column.width, 0);
  return [
    { heading: 'Description', width: descriptionWidth, align: 'left', cell: (line) => line.description },
    ...fixed,
  ];
}

function taxCell(line: InvoiceDocumentLine): string {
  return line.taxTreatment === 'gst_free' ? 'GST-free' : formatMoney(line.gst);
}

function drawTable(pen: Pen, columns: Column[]): void {
  drawTableHeading(pen, columns);
  for (const line of pen.doc.lines) {
    const cells = columns.map((column) =>
      capLines(wrapText(column.cell(line), pen.fonts.regular, BODY_SIZE, column.width - 8)),
    );
    const rowHeight = Math.max(...cells.map((cell) => cell.length)) * (BODY_SIZE + LINE_GAP) + 8;
    if (!hasRoom(pen, rowHeight)) {
      startNewPage(pen);
      drawTableHeading(pen, columns);
    }
    drawRow(pen, columns, cells);
    pen.y -= rowHeight;
    drawRule(pen, pen.y + 3);
  }
  pen.y -= 12;
}

function capLines(lines: string[]): string[] {
  if (lines.length <= MAX_CELL_LINES) return lines;
  return [...lines.slice(0, MAX_CELL_LINES - 1), '…'];
}

function drawTableHeading(pen: Pen, columns: Column[]): void {
  const { fonts, palette } = pen;
  const y = pen.y - BODY_SIZE;
  let x = MARGIN;
  for (const column of columns) {
    const style = { font: fonts.bold, size: 8, color: palette.muted };
    if (column.align === 'right') drawRight(pen, column.heading, x + column.width, y, style);
    else drawText(pen, column.heading, x, y, style);
    x += column.width;
  }
  pen.y = y - 6;
  drawRule(pen, pen.y);
  pen.y -= 4;
}

function drawRow(pen: Pen, columns: Column[], cells: string[][]): void {
  const style = { font: pen.fonts.regular, size: BODY_SIZE, color: pen.palette.text };
  let x = MARGIN;
  columns.forEach((column, index) => {
    let y = pen.y - BODY_SIZE - 2;
    for (const text of cells[index] ?? []) {
      if (column.align === 'right') drawRight(pen, text, x + column.width, y, style);
      else drawText(pen, text, x, y, style);
      y -= BODY_SIZE + LINE_GAP;
    }
    x += column.width;
  });
}

function drawRule(pen: Pen, y: number): void {
  pen.page.drawLine({
    start: { x: MARGIN, y },
    end: { x: CONTENT_RIGHT, y },
    thickness: 0.5,
    color: pen.palette.rule,
  });
}

// ---- totals, statements, footer -----------------------------------------------------------------

function drawTotals(pen: Pen): void {
  const { doc, fonts, palette } = pen;
  const rows: Array<{ label: string; value: string; emphasis?: boolean }> = [
    { label: 'Subtotal', value: formatMoney(doc.subtotal) },
  ];
  if (doc.taxLabel) rows.push({ label: doc.taxLabel, value: formatMoney(doc.gst) });
  rows.push({ label: 'Total', value: formatMoney(doc.total), emphasis: true });
  rows.push({ label: 'Paid', value: formatMoney(doc.amountPaid) });
  rows.push({ label: 'Amount due', value: formatMoney(doc.amountDue), emphasis: doc.amountDue.amount > 0 });

  const rowHeight = 16;
  if (!hasRoom(pen, rows.length * rowHeight + 8)) startNewPage(pen);
  const labelX = MARGIN + CONTENT_WIDTH / 2 + 20;
  for (const row of rows) {
    const size = row.emphasis ? 12 : BODY_SIZE + 1;
    const font = row.emphasis ? fonts.bold : fonts.regular;
    const color = row.emphasis ? palette.primary : palette.text;
    pen.y -= rowHeight;
    drawText(pen, row.label, labelX, pen.y, { font, size, color });
    drawRight(pen, row.value, CONTENT_RIGHT, pen.y, { font, size, color });
  }
  pen.y -= 20;
}

function drawStatements(pen: Pen): void {
  const { doc, fonts, palette } = pen;
  for (const statement of doc.statements) {
    for (const line of wrapText(statement, fonts.regular, BODY_SIZE + 1, CONTENT_WIDTH)) {
      if (!hasRoom(pen, BODY_SIZE + 1 + LINE_GAP)) startNewPage(pen);
      pen.y -= BODY_SIZE + 1 + LINE_GAP;
      drawText(pen, line, MARGIN, pen.y, { font: fonts.regular, size: BODY_SIZE + 1, color: palette.text });
    }
    pen.y -= LINE_GAP;
  }
}

/** The brand's footer and `Page n of N` on every page, once the page count is known. */
function drawPageFooters(pen: Pen): void {
  const { pdf, fonts, palette, footerLines } = pen;
  const pages = pdf.getPages();
  pages.forEach((page, index) => {
    const style = { font: fonts.regular, size: 8, color: palette.muted };
    const onPage = { page };
    let y = MARGIN - 8 + (footerLines.length - 1) * FOOTER_LINE_HEIGHT;
    for (const line of footerLines) {
      drawText(onPage, line, MARGIN, y, style);
      y -= FOOTER_LINE_HEIGHT;
    }
    drawRight(onPage, `Page ${index + 1} of ${pages.length}`, CONTENT_RIGHT, MARGIN - 8, style);
  });
}

function hasRoom(pen: Pen, height: number): boolean {
  return pen.y - height >= pen.bottom;
}

function startNewPage(pen: Pen): void {
  pen.page = pen.pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  pen.y = PAGE_HEIGHT - MARGIN;
  drawContinuationHeader(pen);
}

// ---- text ---------------------------------------------------------------------------------------

interface TextStyle {
  font: PDFFont;
  size: number;
  color: RGB;
}

/** Every string reaches the PDF through here, made printable by the standard fonts first. */
function drawText(pen: Pick<Pen, 'page'>, text: string, x: number, y: number, style: TextStyle): void {
  pen.page.drawText(toWinAnsi(text), { x, y, size: style.size, font: style.font, color: style.color });
}

function drawRight(pen: Pick<Pen, 'page'>, text: string, right: number, y: number, style: TextStyle): void {
  const width = style.font.widthOfTextAtSize(toWinAnsi(text), style.size);
  drawText(pen, text, right - width, y, style);
}

/** Breaks text into lines no wider than `maxWidth`, at spaces, or inside a word too long for a line. */
function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= maxWidth;
  const lines: string[] = [];
  let current = '';
  for (const word of toWinAnsi(text)
    .split(' ')
    .filter((part) => part !== '')) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    const pieces = splitLongWord(word, fits);
    current = pieces.pop() ?? '';
    lines.push(...pieces);
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

/** A word cut into pieces that each fit a line; the last piece may be continued by the next word. */
function splitLongWord(word: string, fits: (text: string) => boolean): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const character of word) {
    if (piece && !fits(piece + character)) {
      pieces.push(piece);
      piece = '';
    }
    piece += character;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
