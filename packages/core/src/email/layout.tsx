// The frame around every email: logo and brand-coloured rule on top, the seller's details below
// (name, address, ABN, footer line, support address), in HTML and in plain text.

import type { ReactNode } from 'react';
import { type Brand, formatAbn } from '../brand.js';
import { FONT_FAMILY, RULE_COLOR } from './blocks.js';
import { joinText } from './text.js';

const PAGE_BACKGROUND = '#f4f4f5';

export interface LayoutProps {
  brand: Brand;
  /** The document title. */
  subject: string;
  /** The hidden line inboxes show after the subject. */
  preheader: string;
  heading: string;
  children: ReactNode;
}

export function EmailLayout({ brand, subject, preheader, heading, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{subject}</title>
      </head>
      <body style={{ margin: 0, padding: 0, backgroundColor: PAGE_BACKGROUND }}>
        <div
          style={{
            display: 'none',
            maxHeight: 0,
            overflow: 'hidden',
            opacity: 0,
            fontSize: 1,
            lineHeight: '1px',
            color: PAGE_BACKGROUND,
          }}
        >
          {preheader}
        </div>
        <table
          role="presentation"
          width="100%"
          cellPadding={0}
          cellSpacing={0}
          border={0}
          style={{ backgroundColor: PAGE_BACKGROUND }}
        >
          <tbody>
            <tr>
              <td align="center" style={{ padding: '24px 12px' }}>
                <table
                  role="presentation"
                  width="600"
                  cellPadding={0}
                  cellSpacing={0}
                  border={0}
                  style={{
                    width: '100%',
                    maxWidth: 600,
                    backgroundColor: '#ffffff',
                    borderTop: `4px solid ${brand.colors.primary}`,
                    borderRadius: 6,
                  }}
                >
                  <tbody>
                    <tr>
                      <td style={{ padding: '28px 32px 8px', fontFamily: FONT_FAMILY }}>
                        <Masthead brand={brand} />
                      </td>
                    </tr>
                    <tr>
                      <td
                        style={{
                          padding: '8px 32px 24px',
                          fontFamily: FONT_FAMILY,
                          color: brand.colors.text,
                        }}
                      >
                        <h1
                          style={{
                            margin: '16px 0',
                            fontSize: 22,
                            lineHeight: '1.3',
                            color: brand.colors.text,
                          }}
                        >
                          {heading}
                        </h1>
                        {children}
                      </td>
                    </tr>
                  </tbody>
                </table>
                <table
                  role="presentation"
                  width="600"
                  cellPadding={0}
                  cellSpacing={0}
                  border={0}
                  style={{ width: '100%', maxWidth: 600 }}
                >
                  <tbody>
                    <tr>
                      <td
                        style={{
                          padding: '16px 32px',
                          borderTop: `1px solid ${RULE_COLOR}`,
                          fontFamily: FONT_FAMILY,
                          fontSize: 12,
                          lineHeight: '1.6',
                          color: brand.colors.muted,
                        }}
                      >
                        <Footer brand={brand} />
                      </td>
                    </tr>
                  </tbody>
                </table>
              </td>
            </tr>
          </tbody>
        </table>
      </body>
    </html>
  );
}

/** The text part: heading, body, then the same seller details as the HTML footer. */
export function textLayout(brand: Brand, heading: string, body: string): string {
  const seller = [brand.name, ...brand.address, brand.abn ? `ABN ${formatAbn(brand.abn)}` : null];
  const footer = joinText([
    seller.filter(Boolean).join('\n'),
    brand.footer,
    brand.supportEmail ? `Questions? Write to ${brand.supportEmail}` : null,
  ]);
  return `${joinText([heading, body, `--\n${footer}`])}\n`;
}

function Masthead({ brand }: { brand: Brand }) {
  if (!brand.logoPng) {
    return <div style={{ fontSize: 20, fontWeight: 700, color: brand.colors.primary }}>{brand.name}</div>;
  }
  return (
    <img
      src={`data:image/png;base64,${base64(brand.logoPng)}`}
      alt={brand.name}
      height={40}
      style={{ display: 'block', height: 40, width: 'auto', border: 0 }}
    />
  );
}

function Footer({ brand }: { brand: Brand }) {
  return (
    <>
      <div style={{ fontWeight: 600 }}>{brand.name}</div>
      {brand.address.map((line) => (
        <div key={line}>{line}</div>
      ))}
      {brand.abn ? <div>ABN {formatAbn(brand.abn)}</div> : null}
      {brand.footer ? <div style={{ marginTop: 8 }}>{brand.footer}</div> : null}
      {brand.supportEmail ? (
        <div style={{ marginTop: 8 }}>
          Questions? Write to{' '}
          <a href={`mailto:${brand.supportEmail}`} style={{ color: brand.colors.muted }}>
            {brand.supportEmail}
          </a>
        </div>
      ) : null}
    </>
  );
}

/** Base64 without Buffer, so templates also render in a browser (previews, Storybook). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}
