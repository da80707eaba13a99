// Budgets: the list with this month's spend, forecast and alerts (`GET /usage/budgets`), and
// creating, replacing and deleting one. Each change refetches the budgets, the summary and the
// alerts wherever they are shown (admin-mutation-effects.ts).

import type { QueryResult } from '../../provider/use-query.js';
import { adminInvalidatedBy } from '../client/admin-mutation-effects.js';
import { usageRoutes } from '../client/usage-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import type {
  BudgetJson,
  BudgetStatusJson,
  CreateBudgetRequest,
  UpdateBudgetRequest,
  UsageBudgetsResponse,
} from '../wire.js';

export interface BudgetActions {
  /** `POST /usage/budgets`: refused with 409 `budget_exists` when the scope has one. */
  createBudget(body: CreateBudgetRequest): Promise<BudgetJson>;
  /** `PUT /usage/budgets/:id`: replaces the budget's cap, currency and thresholds. */
  updateBudget(id: string, body: UpdateBudgetRequest): Promise<BudgetJson>;
  /** `DELETE /usage/budgets/:id`: its alerts are kept. */
  deleteBudget(id: string): Promise<void>;
}

export interface UseBudgetsResult extends QueryResult<UsageBudgetsResponse>, BudgetActions {
  budgets: BudgetStatusJson[] | undefined;
}

/** Every budget with this month's spend, and the actions that change them. */
export function useBudgets(): UseBudgetsResult {
  const { client, mutate } = useAdminContext();
  const query = useAdminQuery(usageRoutes.budgets, () => client.listBudgets());
  return {
    ...query,
    budgets: query.data?.budgets,
    createBudget: async (body) =>
      (await mutate(() => client.createBudget(body), adminInvalidatedBy.createBudget)).budget,
    updateBudget: async (id, body) =>
      (await mutate(() => client.updateBudget(id, body), adminInvalidatedBy.updateBudget)).budget,
    deleteBudget: async (id) => {
      await mutate(() => client.deleteBudget(id), adminInvalidatedBy.deleteBudget);
    },
  };
}
