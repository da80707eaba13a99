// What each admin action can change, in one table: after it (success or failure: a failed retry still
// moves an invoice along) the hooks invalidate these routes so every view showing them refetches.
// The customer's own page is added by the hook, which knows the customer.

import { adminRoutes } from './admin-routes.js';
import { usageRoutes } from './usage-routes.js';

const money = [
  adminRoutes.metrics,
  adminRoutes.revenueRecognition,
  adminRoutes.gstReport,
  adminRoutes.profitability,
];
/** A budget change shows in the budgets, the summary (which lists them) and, once evaluated, the alerts. */
const budgetViews = [usageRoutes.budgets, usageRoutes.summary, usageRoutes.alerts];
const everyCustomerView = [adminRoutes.customers, adminRoutes.audit, adminRoutes.metrics] as const;

export const adminInvalidatedBy = {
  refund: [...everyCustomerView, ...money],
  grantCredit: [...everyCustomerView],
  createInvoice: [...everyCustomerView, ...money],
  resendReceipt: [adminRoutes.audit],
  retryPayment: [...everyCustomerView, ...money],
  cancelSubscription: [...everyCustomerView],
  reactivateSubscription: [...everyCustomerView],
  changePlan: [...everyCustomerView],
  extendTrial: [...everyCustomerView],
  extendGrace: [...everyCustomerView],
  markEvidenceSubmitted: [adminRoutes.disputes, adminRoutes.audit],
  createBudget: budgetViews,
  updateBudget: budgetViews,
  deleteBudget: budgetViews,
} as const satisfies Record<string, readonly string[]>;
