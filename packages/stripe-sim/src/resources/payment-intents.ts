// PLACEHOLDER: replaced by the real module in this session.
import type { Route } from '../http/router.js';

export const paymentIntentRoutes: Route[] = [];
