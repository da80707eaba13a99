// Budgets over HTTP: the list with this month's spend, forecast and alerts; a new budget (POST,
// refused when its id is taken, atomically: one of two racing creates wins); a budget created or replaced by id (PUT; an id 'provider:<name>'
// is that provider's budget only); a budget removed (DELETE, its alerts kept); and the alerts sent.

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
        requireProviderOfId(id, input.provider);
        const created = await metering.budgets.create({ ...input, id });
        if (created === null) throw budgetExists(id, input);
        const answer: UsageBudgetResponse = { budget: budgetJson(created) };
        return json(answer, 201);
      },
    },
    {
      method: 'PUT',
      path: BUDGET_PATH,
      value: async ({ params, body }) => {
        const id = params.budgetId!;
        const input: BudgetInput = { ...body(usagePutBudgetRequestSchema), id };
        requireProviderOfId(id, input.provider);
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

const PROVIDER_ID_PREFIX = 'provider:';

/** Metering's own default id of a budget (types.ts: 'overall' or 'provider:<name>'). */
function defaultBudgetId(provider: string | undefined): string {
  return provider === undefined ? 'overall' : `${PROVIDER_ID_PREFIX}${provider}`;
}

/**
 * 409 naming what made the id: `id` when the request gave one, else `provider` (the id was
 * 'provider:<name>'), else nothing (the overall budget is the only one without a provider).
 */
function budgetExists(id: string, input: { id?: string | undefined; provider?: string | undefined }) {
  return new HttpError(409, 'budget_exists', `A budget '${id}' exists: change it with PUT.`, {
    param: fieldThatNamed(input),
  });
}

function fieldThatNamed(input: { id?: string | undefined; provider?: string | undefined }) {
  if (input.id !== undefined) return 'id';
  if (input.provider !== undefined) return 'provider';
  return undefined;
}

/**
 * An id of the form 'provider:<name>' is that provider's budget, so a body naming another provider
 * (or none) contradicts it: 400 on `provider`, before anything is written. Other ids take any provider.
 */
function requireProviderOfId(id: string, provider: string | undefined): void {
  if (!id.startsWith(PROVIDER_ID_PREFIX)) return;
  const expected = id.slice(PROVIDER_ID_PREFIX.length);
  if (provider === expected) return;
  const issue = { path: 'provider', message: `must be '${expected}' for the budget '${id}'` };
  throw new HttpError(400, 'invalid_input', `provider: ${issue.message}`, {
    param: 'provider',
    issues: [issue],
  });
}
