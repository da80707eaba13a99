// The countries the address form offers, named in the reader's language by Intl.DisplayNames.

/** ISO 3166-1 alpha-2 codes offered by default; a host passes its own list to the form. */
export const DEFAULT_COUNTRIES: readonly string[] = (
  'AU NZ AE AR AT BE BR CA CH CL CN CO DE DK ES FI FR GB HK ID IE IL IN IT JP KR MX MY NL NO PH PL PT SE SG ' +
  'TH TW US VN ZA'
).split(' ');

/** `[code, name]` pairs sorted by name, with the saved country kept even when not in `codes`. */
export function countryOptions(
  codes: readonly string[],
  locale: string,
  current: string,
): Array<[string, string]> {
  const names = new Intl.DisplayNames([locale], { type: 'region' });
  const all = current && !codes.includes(current) ? [...codes, current] : codes;
  return all
    .map((code): [string, string] => [code, names.of(code) ?? code])
    .sort((a, b) => a[1].localeCompare(b[1], locale));
}
