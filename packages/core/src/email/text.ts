// The plain-text part of each email, built from the same facts and sentences as the HTML part:
// blocks separated by blank lines, links written out in full.

import type { Fact } from './blocks.js';
import { safeLink } from './email-format.js';

/** A paragraph of the text part; null, undefined and false are left out. */
export type TextBlock = string | null | undefined | false;

/** `Total paid: $10.00`, one fact a line. */
export function textFacts(facts: Fact[]): string | null {
  if (facts.length === 0) return null;
  return facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n');
}

/** `Update card: https://...`, or nothing when there is no http(s) link, like the button. */
export function textLink(label: string, href: string | null): string | null {
  const url = safeLink(href);
  return url ? `${label}: ${url}` : null;
}

export function joinText(blocks: TextBlock[]): string {
  return blocks.filter((block): block is string => typeof block === 'string' && block !== '').join('\n\n');
}
