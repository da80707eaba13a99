// Budgets: each one's month so far as a bar (spent of cap, alert marks, the month-end forecast), and
// managing them: a new budget, changing one's cap, currency or alert percentages, deleting one
// after a confirmation. Every change refetches the budgets, the summary and the alerts.

import { type ReactNode, useId, useState } from 'react';
import { LiveStatus } from '../../ui/live-status.js';
import { sectionClass } from '../../ui/section-class.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { useAdminAction } from '../ui/use-admin-action.js';
import type { BudgetJson } from '../wire.js';
import { BudgetBar } from './budget-bar.js';
import { BudgetFormDialog, DeleteBudgetDialog } from './budget-dialogs.js';
import { budgetName } from './usage-names.js';
import { useBudgets } from './use-budgets.js';

export interface BudgetsEditorProps {
  /** Only the bars: no new, edit or delete buttons. */
  readOnly?: boolean;
  /**
   * The currency a new budget starts in.
   * @default 'AUD'
   */
  defaultCurrency?: string;
  /**
   * The level of the section's heading: 3 inside a page that already has an h2.
   * @default 2
   */
  headingLevel?: 2 | 3;
  className?: string;
}

type OpenDialog =
  | { kind: 'create' }
  | { kind: 'edit'; budget: BudgetJson }
  | { kind: 'delete'; budget: BudgetJson };

/** The budgets with this month's spend and forecast, and creating, changing and deleting them. */
export function BudgetsEditor(props: BudgetsEditorProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.budgets;
  const headingId = useId();
  const query = useBudgets();
  const action = useAdminAction();
  const [open, setOpen] = useState<OpenDialog | null>(null);
  const headingLevel = props.headingLevel ?? 2;
  const Heading = `h${headingLevel}` as const;
  const budgets = query.budgets;
  const editable = !props.readOnly;

  const openDialog = (dialog: OpenDialog) => {
    action.clearError();
    setOpen(dialog);
  };

  return (
    <section className={sectionClass('billkit-budgets', props.className)} aria-labelledby={headingId}>
      <div className="billkit-admin-toolbar">
        <Heading id={headingId} className="billkit-heading">
          {m.heading}
        </Heading>
        {editable ? (
          <button
            type="button"
            className="billkit-button billkit-button--primary"
            aria-haspopup="dialog"
            disabled={action.pending !== null}
            onClick={() => openDialog({ kind: 'create' })}
          >
            {m.create}
          </button>
        ) : null}
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {budgets?.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {budgets && budgets.length > 0 ? (
        <ul className="billkit-budget-list">
          {budgets.map((status) => {
            const name = budgetName(status.budget, messages);
            return (
              <BudgetBar
                key={status.budget.id}
                status={status}
                headingLevel={headingLevel === 2 ? 3 : 4}
                actions={
                  editable ? (
                    <>
                      <button
                        type="button"
                        className="billkit-button billkit-button--small"
                        aria-label={m.editFor(name)}
                        aria-haspopup="dialog"
                        disabled={action.pending !== null}
                        onClick={() => openDialog({ kind: 'edit', budget: status.budget })}
                      >
                        {m.edit}
                      </button>
                      <button
                        type="button"
                        className="billkit-button billkit-button--small billkit-button--danger-quiet"
                        aria-label={m.deleteFor(name)}
                        aria-haspopup="dialog"
                        disabled={action.pending !== null}
                        onClick={() => openDialog({ kind: 'delete', budget: status.budget })}
                      >
                        {m.delete}
                      </button>
                    </>
                  ) : null
                }
              />
            );
          })}
        </ul>
      ) : null}
      <LiveStatus outcome={action.outcome} />
      {open?.kind === 'create' || open?.kind === 'edit' ? (
        <BudgetFormDialog
          budget={open.kind === 'edit' ? open.budget : null}
          currency={props.defaultCurrency ?? 'AUD'}
          actions={query}
          action={action}
          close={() => setOpen(null)}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <DeleteBudgetDialog
          budget={open.budget}
          actions={query}
          action={action}
          close={() => setOpen(null)}
        />
      ) : null}
    </section>
  );
}
