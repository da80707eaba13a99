// The host's branding, for the papers Billkit makes on its behalf: invoice PDFs and emails.

import { z } from 'zod';
import { parseInput } from './errors/parse-input.js';

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

const brandSchema = z.object({
  /** The seller's name as it appears on tax invoices and in the From line of emails. */
  name: z.string().min(1).max(200),
  /** A PNG logo (bytes), drawn at the top of invoices and emails. */
  logoPng: z.instanceof(Uint8Array).optional(),
  colors: z
    .object({
      /** Headings, buttons, the total. @default '#4f46e5' */
      primary: hexColor.default('#4f46e5'),
      /** Body text. @default '#111827' */
      text: hexColor.default('#111827'),
      /** Secondary text. @default '#6b7280' */
      muted: hexColor.default('#6b7280'),
    })
    .default({ primary: '#4f46e5', text: '#111827', muted: '#6b7280' }),
  /** The seller's postal address, one line per entry. */
  address: z.array(z.string().max(200)).max(6).default([]),
  /** The seller's ABN (11 digits, spaces allowed); defaults to the tax strategy's registration. */
  abn: z
    .string()
    .regex(/^[\d\s]+$/, 'digits and spaces')
    .refine((v) => v.replace(/\s+/g, '').length === 11, 'an ABN has 11 digits')
    .optional(),
  /** A line at the bottom of every invoice and email (payment terms, a thank-you). */
  footer: z.string().max(500).optional(),
  /** Where customers write to. */
  supportEmail: z.string().email().optional(),
  website: z.string().url().optional(),
});

export type BrandInput = z.input<typeof brandSchema>;
export type Brand = z.output<typeof brandSchema>;

export function resolveBrand(input: BrandInput | undefined, fallbackName = 'Billkit'): Brand {
  return parseInput(brandSchema, input ?? { name: fallbackName }, 'brand');
}

/** An ABN written the usual way: 12 345 678 901. */
export function formatAbn(abn: string): string {
  const digits = abn.replace(/\s+/g, '');
  if (digits.length !== 11) return abn;
  return `${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5, 8)} ${digits.slice(8)}`;
}
