// The pieces templates build emails from: paragraphs, a button, a table of facts, a callout.
// Email-safe on purpose: tables and inline styles only, since mail clients ignore stylesheets.

import type { ReactNode } from 'react';
import type { Brand } from '../brand.js';
import { safeLink } from './email-format.js';

export const FONT_FAMILY =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
export const RULE_COLOR = '#e5e7eb';

/** One row of a facts table, in HTML and in text: `Total paid: $10.00`. */
export interface Fact {
  label: string;
  value: string;
  /** Bold, for the total. */
  emphasis?: boolean;
}

/** The facts that apply, in order: `null` and `false` rows are left out. */
export function listFacts(...rows: Array<Fact | null | false>): Fact[] {
  return rows.filter((row): row is Fact => Boolean(row));
}

export function Paragraph({
  brand,
  muted,
  children,
}: {
  brand: Brand;
  muted?: boolean;
  children: ReactNode;
}) {
  const color = muted ? brand.colors.muted : brand.colors.text;
  const fontSize = muted ? 14 : 16;
  return <p style={{ margin: '0 0 16px', color, fontSize, lineHeight: '1.5' }}>{children}</p>;
}

/** A link drawn as a button in the brand colour; nothing at all when there is no http(s) link. */
export function Button({
  brand,
  href,
  children,
}: {
  brand: Brand;
  href: string | null;
  children: ReactNode;
}) {
  const url = safeLink(href);
  if (!url) return null;
  const background = brand.colors.primary;
  return (
    <table role="presentation" cellPadding={0} cellSpacing={0} border={0} style={{ margin: '24px 0' }}>
      <tbody>
        <tr>
          <td style={{ borderRadius: 6, backgroundColor: background }}>
            <a
              href={url}
              style={{
                display: 'inline-block',
                padding: '12px 22px',
                borderRadius: 6,
                color: textColorOn(background),
                fontFamily: FONT_FAMILY,
                fontSize: 16,
                fontWeight: 600,
                textDecoration: 'none',
              }}
            >
              {children}
            </a>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

export function Facts({ brand, facts }: { brand: Brand; facts: Fact[] }) {
  if (facts.length === 0) return null;
  const cell = { padding: '8px 0', borderBottom: `1px solid ${RULE_COLOR}`, fontSize: 15, lineHeight: '1.4' };
  return (
    <table
      role="presentation"
      width="100%"
      cellPadding={0}
      cellSpacing={0}
      border={0}
      style={{ margin: '8px 0 24px', borderCollapse: 'collapse' }}
    >
      <tbody>
        {facts.map((fact, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a static list rendered once; labels may repeat.
          <tr key={index}>
            <td style={{ ...cell, color: fact.emphasis ? brand.colors.text : brand.colors.muted }}>
              {fact.emphasis ? <strong>{fact.label}</strong> : fact.label}
            </td>
            <td align="right" style={{ ...cell, paddingLeft: 16, color: brand.colors.text }}>
              {fact.emphasis ? <strong>{fact.value}</strong> : fact.value}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A boxed, prominent fact: the evidence deadline of a dispute. */
export function Callout({ brand, label, value }: { brand: Brand; label: string; value: string }) {
  return (
    <table
      role="presentation"
      width="100%"
      cellPadding={0}
      cellSpacing={0}
      border={0}
      style={{ margin: '8px 0 24px', borderCollapse: 'collapse' }}
    >
      <tbody>
        <tr>
          <td style={{ padding: '16px 20px', border: `2px solid ${brand.colors.primary}`, borderRadius: 6 }}>
            <div
              style={{
                color: brand.colors.muted,
                fontSize: 13,
                textTransform: 'uppercase',
                letterSpacing: 1,
              }}
            >
              {label}
            </div>
            <div style={{ color: brand.colors.text, fontSize: 22, fontWeight: 700, lineHeight: '1.4' }}>
              {value}
            </div>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** Black or white, whichever reads better on the brand colour (WCAG relative luminance). */
function textColorOn(hex: string): string {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#111827' : '#ffffff';
}
