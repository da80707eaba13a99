// The Stripe API version the simulator answers in: the one the pinned `stripe` package speaks.
export const ApiVersion = '2026-10-28.endive';
