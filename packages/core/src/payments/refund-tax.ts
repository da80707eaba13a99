// The GST given back by a partial refund: the refund's share of the invoice's GST, to the nearest
// cent (half a cent up), in integers.

/** round(tax × amount / total), half up, for non-negative integers. */
export function gstShare(tax: number, total: number, amount: number): number {
  if (total <= 0 || tax <= 0 || amount <= 0) return 0;
  return Math.floor((2 * tax * amount + total) / (2 * total));
}
