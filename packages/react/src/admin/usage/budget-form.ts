// The budget form's values and what becomes of them: read from a budget, checked for what the server
// cannot guess (a field left empty, percentages that are not numbers), turned into the request, and
// the server's refusal spread back over the fields its `issues` name.

import { isBillingApiError } from '../../client/billing-api-error.js';
import type { AdminMessages } from '../messages/admin-messages.js';
import type { BudgetJson, CreateBudgetRequest } from '../wire.js';

export interface BudgetFormValues {
  scope: 'overall' | 'provider';
  provider: string;
  /** The cap as typed: '500', '1,250.50'. */
  monthly: string;
  currency: string;
  /** '50, 80, 100' */
  thresholds: string;
}

export type BudgetField = 'provider' | 'monthly' | 'currency' | 'thresholds';
export type BudgetFormErrors = Partial<Record<BudgetField, string>>;

const FIELDS: readonly BudgetField[] = ['provider', 'monthly', 'currency', 'thresholds'];

/** The form for a new budget (in `currency`), or filled in from `budget`, the cap written for `locale`. */
export function budgetFormValues(
  budget: BudgetJson | null,
  currency: string,
  locale: string,
): BudgetFormValues {
  if (!budget) return { scope: 'overall', provider: '', monthly: '', currency, thresholds: '50, 80, 100' };
  return {
    scope: budget.scope.kind,
    provider: budget.scope.kind === 'provider' ? budget.scope.provider : '',
    monthly: microsToDecimal(budget.amountMicros).replace('.', separatorsOf(locale).decimal),
    currency: budget.currency,
    thresholds: budget.thresholds.join(', '),
  };
}

/** The request for the form's values, or the errors that keep it from being sent. */
export function budgetRequestOf(
  values: BudgetFormValues,
  messages: AdminMessages,
  locale: string,
): { request: CreateBudgetRequest; errors?: undefined } | { errors: BudgetFormErrors; request?: undefined } {
  const m = messages.budgets.form;
  const errors: BudgetFormErrors = {};
  const provider = values.provider.trim();
  if (values.scope === 'provider' && !provider) errors.provider = m.required;
  const monthly = normalizeDecimal(values.monthly, locale);
  if (!monthly) errors.monthly = m.required;
  const currency = values.currency.trim();
  if (!currency) errors.currency = m.required;
  const thresholds = parseThresholds(values.thresholds);
  if (thresholds === null) errors.thresholds = m.thresholdsInvalid;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: {
      ...(values.scope === 'provider' ? { provider } : {}),
      monthly,
      currency,
      ...(thresholds && thresholds.length > 0 ? { thresholds } : {}),
    },
  };
}

/**
 * The fields a refused request names: each of a 400's `issues` under its field (`path` →
 * field, the first reason a field gets wins), else the field `param` names; a taken scope (409
 * `budget_exists`) under the field `param` names (the provider; none for the overall budget, whose
 * form has no field for it). Null when the failure is about no field.
 */
export function budgetErrorsFrom(error: unknown, messages: AdminMessages): BudgetFormErrors | null {
  if (!isBillingApiError(error)) return null;
  if (error.code === 'budget_exists') {
    const field = fieldOf(error.param);
    if (!field) return null;
    return { [field]: messages.errors.codes.budget_exists ?? messages.errors.generic };
  }
  if (error.code !== 'invalid_input') return null;
  const errors: BudgetFormErrors = {};
  for (const issue of error.issues) {
    const field = fieldOf(issue.path);
    if (field && !errors[field]) errors[field] = messages.budgets.form.serverError(issue.message);
  }
  const param = fieldOf(error.param);
  if (param && !errors[param]) errors[param] = messages.budgets.form.serverError(error.message);
  return Object.keys(errors).length > 0 ? errors : null;
}

/** The form field of a server path: 'thresholds.1' → thresholds; a budget's id is its provider. */
function fieldOf(path: string | undefined): BudgetField | null {
  if (!path) return null;
  const head = path.split('.')[0]!;
  if (head === 'id') return 'provider';
  return (FIELDS as readonly string[]).includes(head) ? (head as BudgetField) : null;
}

/** '50, 80 100' → [50, 80, 100]; '' → [] (the server's default); null when a part is not a whole number. */
export function parseThresholds(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const numbers = parts.map((part) => part.replace(/%$/, ''));
  if (numbers.some((part) => !/^\d+$/.test(part))) return null;
  return numbers.map(Number);
}

/**
 * A cap as typed in the reader's locale, as the decimal string the contract takes: the locale's
 * group separators and spaces dropped, its decimal separator made a point ('1 250,5' → '1250.5' in
 * de-DE). Anything else is left for the server to judge.
 */
export function normalizeDecimal(text: string, locale: string): string {
  const { group, decimal } = separatorsOf(locale);
  let bare = text
    .replace(/[\s\u00a0\u202f]/g, '')
    .split(group)
    .join('');
  if (decimal !== '.') bare = bare.split(decimal).join('.');
  return bare;
}

/** 500_000_000 → '500.00', 1_234_500 → '1.2345': the cap in major units, exactly. */
export function microsToDecimal(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

function separatorsOf(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
  };
}
