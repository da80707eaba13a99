// The budget editor's dialogs: a new budget or changes to one (what it covers, the monthly cap, its
// currency and alert percentages; a field the server refuses shows its reason under it), and the
// confirmation before one is deleted. A failure stays in the dialog.

import { type ReactNode, useState } from 'react';
import { useAdminContext } from '../provider/admin-context.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { RadioGroup, TextField } from '../ui/form-fields.js';
import type { AdminActionState } from '../ui/use-admin-action.js';
import type { BudgetJson } from '../wire.js';
import {
  type BudgetFormErrors,
  type BudgetFormValues,
  budgetErrorsFrom,
  budgetFormValues,
  budgetRequestOf,
} from './budget-form.js';
import { budgetName } from './usage-names.js';
import type { BudgetActions } from './use-budgets.js';

export interface BudgetFormDialogProps {
  /** The budget to change; null for a new one. */
  budget: BudgetJson | null;
  /** The currency a new budget starts in. */
  currency: string;
  actions: BudgetActions;
  action: AdminActionState;
  close(): void;
}

/** "New budget" or "Edit the budget for OpenAI only". */
export function BudgetFormDialog(props: BudgetFormDialogProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.budgets.form;
  const { budget } = props;
  const [values, setValues] = useState<BudgetFormValues>(() =>
    budgetFormValues(budget, props.currency, format.locale),
  );
  const [errors, setErrors] = useState<BudgetFormErrors>({});
  const set = (field: keyof BudgetFormValues) => (value: string) => setValues({ ...values, [field]: value });

  const confirm = async () => {
    const checked = budgetRequestOf(values, messages, format.locale);
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    const request = checked.request;
    const done = await props.action.run(budget ? `budget:${budget.id}` : 'budget:new', async () => {
      try {
        if (budget) {
          const saved = await props.actions.updateBudget(budget.id, request);
          return m.saved(budgetName(saved, messages));
        }
        const created = await props.actions.createBudget(request);
        return m.created(budgetName(created, messages));
      } catch (failure) {
        setErrors(budgetErrorsFrom(failure, messages) ?? {});
        throw failure;
      }
    });
    if (done) props.close();
  };

  return (
    <ConfirmDialog
      title={budget ? m.editTitle(budgetName(budget, messages)) : m.createTitle}
      description={<p>{m.description}</p>}
      confirmLabel={budget ? m.save : m.create}
      busy={props.action.pending !== null}
      error={props.action.error}
      onConfirm={() => void confirm()}
      onCancel={props.close}
    >
      {budget ? (
        <p className="billkit-budget-scope">
          {m.scope}: <strong>{budgetName(budget, messages)}</strong>
        </p>
      ) : (
        <RadioGroup
          legend={m.scopeLegend}
          value={values.scope}
          onChange={(scope) => setValues({ ...values, scope })}
          options={[
            { value: 'overall', label: m.overall },
            { value: 'provider', label: m.oneProvider },
          ]}
        />
      )}
      {!budget && values.scope === 'provider' ? (
        <TextField
          label={m.provider}
          hint={m.providerHint}
          value={values.provider}
          onChange={set('provider')}
          required
          error={errors.provider ?? null}
        />
      ) : null}
      <div className="billkit-field-row">
        <TextField
          label={m.monthly}
          hint={m.monthlyHint}
          value={values.monthly}
          onChange={set('monthly')}
          inputMode="decimal"
          required
          error={errors.monthly ?? null}
        />
        <TextField
          label={m.currency}
          hint={m.currencyHint}
          value={values.currency}
          onChange={set('currency')}
          short
          required
          error={errors.currency ?? null}
        />
      </div>
      <TextField
        label={m.thresholds}
        hint={m.thresholdsHint}
        value={values.thresholds}
        onChange={set('thresholds')}
        error={errors.thresholds ?? null}
      />
    </ConfirmDialog>
  );
}

export interface DeleteBudgetDialogProps {
  budget: BudgetJson;
  actions: BudgetActions;
  action: AdminActionState;
  close(): void;
}

/** "Delete the budget for OpenAI only?", with what happens to its alerts. */
export function DeleteBudgetDialog(props: DeleteBudgetDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.budgets.deleteDialog;
  const name = budgetName(props.budget, messages);
  const confirm = async () => {
    const done = await props.action.run(`delete:${props.budget.id}`, async () => {
      await props.actions.deleteBudget(props.budget.id);
      return m.done(name);
    });
    if (done) props.close();
  };
  return (
    <ConfirmDialog
      title={m.title(name)}
      description={<p>{m.description}</p>}
      confirmLabel={m.confirm}
      cancelLabel={m.keep}
      tone="danger"
      busy={props.action.pending !== null}
      error={props.action.error}
      onConfirm={() => void confirm()}
      onCancel={props.close}
    />
  );
}
