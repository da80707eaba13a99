// CSV as spreadsheets and accounting packages read it: a header row, comma-separated, fields quoted
// when they hold a comma, quote or line break, CRLF line ends.

export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  return `${[header, ...rows].map((row) => row.map((cell) => csvField(String(cell))).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  // A leading = + - @ would be read as a formula by spreadsheets; amounts are never written with one.
  const safe = /^[=+@]/.test(value) || /^-[^0-9]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Minor units as a decimal string in major units: 1234 → '12.34' (two decimals). */
export function decimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
