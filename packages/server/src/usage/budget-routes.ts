// Budgets over HTTP: the list with this month's spend, forecast and alerts; a new budget (POST,
// refused when its id is taken); a budget created or replaced by id (PUT); a budget removed
// (DELETE, its alerts kept); and the alerts sent, newest first.

import type { BudgetInput, Metering } from '@billkit/metering';
import type { AdminRoute } from '../admin/admin-request.js';
import {
  USAGE_ROUTES,
  type UsageAlertsResponse,
  type UsageBudgetDeletedResponse,
  type UsageBudgetResponse,
  type UsageBudgetsResponse,
  usageAlertsQuerySchema,
  usageCreateBudgetRequestSchema,
  usagePutBudgetRequestSchema,
} from '../contract/index.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { alertJson, budgetJson, budgetStatusJson } from './usage-to-json.js';

const DEFAULT_ALERTS_LIMIT = 50;
const BUDGET_PATH = `${USAGE_ROUTES.budgets}/:budgetId`;

export function budgetRoutes(metering: Metering): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: USAGE_ROUTES.budgets,
      value: async () => {
        const answer: UsageBudgetsResponse = {
          budgets: (await metering.budgets.list()).map(budgetStatusJson),
        };
        return json(answer);
      },
    },
    {
      method: 'POST',
      path: USAGE_ROUTES.budgets,
      value: async ({ body }) => {
        const input = body(usageCreateBudgetRequestSchema);
        const id = input.id ?? defaultBudgetId(input.provider);
        const taken = (await metering.budgets.list()).some((status) => status.budget.id === id);
        if (taken) {
          throw new HttpError(409, 'budget_exists', `A budget '${id}' exists: change it with PUT.`, {
            param: 'id',
          });
        }
        const answer: UsageBudgetResponse = {
          budget: budgetJson(await metering.budgets.put({ ...input, id })),
        };
        return json(answer, 201);
      },
    },
    {
      method: 'PUT',
      path: BUDGET_PATH,
      value: async ({ params, body }) => {
        const input: BudgetInput = { ...body(usagePutBudgetRequestSchema), id: params.budgetId! };
        const answer: UsageBudgetResponse = { budget: budgetJson(await metering.budgets.put(input)) };
        return json(answer);
      },
    },
    {
      method: 'DELETE',
      path: BUDGET_PATH,
      value: async ({ params }) => {
        const id = params.budgetId!;
        if (!(await metering.budgets.delete(id))) {
          throw new HttpError(404, 'budget_not_found', `There is no budget '${id}'.`);
        }
        const answer: UsageBudgetDeletedResponse = { id, deleted: true };
        return json(answer);
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.alerts,
      value: async ({ query }) => {
        const { limit, ...filter } = query(usageAlertsQuerySchema);
        const alerts = await metering.alerts.list({ ...filter, limit: limit ?? DEFAULT_ALERTS_LIMIT });
        const answer: UsageAlertsResponse = { alerts: alerts.map(alertJson) };
        return json(answer);
      },
    },
  ];
}

/** Metering's own default id of a budget (types.ts: 'overall' or 'provider:<name>'). */
function defaultBudgetId(provider: string | undefined): string {
  return provider === undefined ? 'overall' : `provider:${provider}`;
}
