// What the usage views call things: a provider as metered ('openai') by its name ("OpenAI"), a
// budget by what it covers ("All spend", "OpenAI only"), from the admin messages.

import type { AdminMessages } from '../messages/admin-messages.js';
import type { BudgetJson } from '../wire.js';

/** "OpenAI" for 'openai'; a provider the messages don't list is capitalised ('mapbox' → "Mapbox"). */
export function providerName(provider: string | null, messages: AdminMessages): string {
  if (!provider) return messages.usage.unknownProvider;
  return messages.usage.providerNames[provider] ?? messages.usage.providerFallback(provider);
}

/** "All spend" or "OpenAI only". */
export function budgetName(budget: BudgetJson, messages: AdminMessages): string {
  if (budget.scope.kind === 'overall') return messages.budgets.overall;
  return messages.budgets.provider(providerName(budget.scope.provider, messages));
}
