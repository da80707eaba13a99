// The GST given back by a refund, in integers, to the nearest cent (half a cent up). Each refund
// takes the GST of the refunded amounts so far minus the GST of those before it, so however a
// payment is refunded, in one go or in parts, in any order of mirroring, the parts add up to the
// GST of what was refunded in total, and a refund of all the invoice's total gives back all its GST.

/** round(tax × amount / total), half up, for non-negative integers. */
export function gstShare(tax: number, total: number, amount: number): number {
  if (total <= 0 || tax <= 0 || amount <= 0) return 0;
  return Math.floor((2 * tax * Math.min(amount, total) + total) / (2 * total));
}

/** The GST in a refund of `amount` after `refundedBefore` was refunded on the same invoice. */
export function refundTax(
  invoice: { tax: number; total: number },
  refundedBefore: number,
  amount: number,
): number {
  return (
    gstShare(invoice.tax, invoice.total, refundedBefore + amount) -
    gstShare(invoice.tax, invoice.total, refundedBefore)
  );
}
