// PLACEHOLDER: replaced by the real module in this session.
import type { SimContext } from '../engine/context.js';
import type { Route } from '../http/router.js';

export const paymentMethodRoutes: Route[] = [];
export function attachPaymentMethod(_sim: SimContext, _pm: string, _customer: string, _param: string): void {}
