// The confirm dialog of each action on a customer: its fields, checked before anything is sent, the
// request it makes, and the sentence announced when it worked. A failure stays in the dialog.

import type { PlanJson } from '@billkit/server/contract';
import { type ReactNode, useEffect, useState } from 'react';
import type { AdminMessages } from '../messages/admin-messages.js';
import { useAdminContext } from '../provider/admin-context.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { RadioGroup, SelectField, TextField } from '../ui/form-fields.js';
import { parseMoneyInput } from '../ui/money-input.js';
import type { AdminActionState } from '../ui/use-admin-action.js';
import type { CustomerDetailJson, InvoiceRecordJson, SubscriptionRecordJson } from '../wire.js';
import type { CustomerActions } from './use-customer-detail.js';

/** The action an operator opened, with the invoice it is about. */
export type OpenAction =
  | { kind: 'refund'; invoice: InvoiceRecordJson; refunded: number }
  | { kind: 'retry'; invoice: InvoiceRecordJson }
  | { kind: 'receipt'; invoice: InvoiceRecordJson }
  | { kind: 'credit' }
  | { kind: 'invoice' }
  | { kind: 'trial' }
  | { kind: 'grace' }
  | { kind: 'cancel' }
  | { kind: 'reactivate' }
  | { kind: 'plan' };

export interface ActionDialogProps {
  open: OpenAction;
  detail: CustomerDetailJson;
  subscription: SubscriptionRecordJson | null;
  actions: CustomerActions;
  action: AdminActionState;
  /** Plans for "Change plan"; null while unknown (a plan id field is shown instead). */
  plans: PlanJson[] | null;
  close(): void;
}

/** The dialog for whichever action is open. */
export function CustomerActionDialog(props: ActionDialogProps): ReactNode {
  const { open } = props;
  switch (open.kind) {
    case 'refund':
      return <RefundDialog {...props} invoice={open.invoice} refunded={open.refunded} />;
    case 'retry':
      return <RetryDialog {...props} invoice={open.invoice} />;
    case 'receipt':
      return <ReceiptDialog {...props} invoice={open.invoice} />;
    case 'credit':
      return <CreditDialog {...props} />;
    case 'invoice':
      return <InvoiceDialog {...props} />;
    case 'trial':
      return <TrialDialog {...props} />;
    case 'grace':
      return <GraceDialog {...props} />;
    case 'cancel':
      return <CancelDialog {...props} />;
    case 'reactivate':
      return <ReactivateDialog {...props} />;
    case 'plan':
      return <PlanDialog {...props} />;
  }
}

function currencyOf(props: ActionDialogProps): string {
  return props.subscription?.currency ?? props.detail.customer.currency ?? props.detail.totals.currency;
}

function useMoney(currency: string) {
  const { format } = useAdminContext();
  return {
    text: (amount: number) => format.money(amount, currency),
    parse: (input: string) => parseMoneyInput(input, format.locale, format.fractionDigits(currency)),
  };
}

/** Runs the action; closes the dialog when it worked (the error stays shown otherwise). */
async function runAndClose(props: ActionDialogProps, key: string, run: () => Promise<string>): Promise<void> {
  const done = await props.action.run(key, run);
  if (done) props.close();
}

function dialogState(props: ActionDialogProps) {
  return { busy: props.action.pending !== null, error: props.action.error, onCancel: props.close };
}

// --- invoices ------------------------------------------------------------------------------------

const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;

function RefundDialog(
  props: ActionDialogProps & { invoice: InvoiceRecordJson; refunded: number },
): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.actions;
  const r = m.refundDialog;
  const { invoice } = props;
  const money = useMoney(invoice.currency);
  const refundable = invoice.amountPaid - props.refunded;
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState<string>(REFUND_REASONS[0]);
  const [note, setNote] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const partial = kind === 'partial' ? money.parse(amount) : null;
  const label = invoice.number ?? invoice.stripeInvoiceId;

  const confirm = () => {
    if (kind === 'partial') {
      if (partial === null) return setAmountError(m.amountInvalid);
      if (partial > refundable) return setAmountError(m.amountTooLarge(money.text(refundable)));
    }
    setAmountError(null);
    const refunded = partial ?? refundable;
    void runAndClose(props, 'refund', async () => {
      await props.actions.refund({
        invoiceId: invoice.stripeInvoiceId,
        ...(partial === null ? {} : { amount: partial }),
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      return r.done(money.text(refunded));
    });
  };

  return (
    <ConfirmDialog
      title={r.title(label)}
      description={<p>{r.description(money.text(invoice.amountPaid), money.text(refundable))}</p>}
      confirmLabel={r.confirm(money.text(partial ?? refundable))}
      tone="danger"
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <RadioGroup
        legend={r.kindLegend}
        value={kind}
        onChange={setKind}
        options={[
          { value: 'full', label: r.full(money.text(refundable)) },
          { value: 'partial', label: r.partial },
        ]}
      />
      {kind === 'partial' ? (
        <TextField
          label={m.amountLabel(invoice.currency)}
          value={amount}
          onChange={setAmount}
          inputMode="decimal"
          short
          required
          error={amountError}
        />
      ) : null}
      <SelectField
        label={r.reason}
        value={reason}
        onChange={setReason}
        options={REFUND_REASONS.map((value) => ({ value, label: r.reasons[value] ?? value }))}
      />
      <TextField label={r.note} value={note} onChange={setNote} multiline />
    </ConfirmDialog>
  );
}

function RetryDialog(props: ActionDialogProps & { invoice: InvoiceRecordJson }): ReactNode {
  const { messages } = useAdminContext();
  const r = messages.actions.retryDialog;
  const { invoice } = props;
  const money = useMoney(invoice.currency);
  const due = money.text(invoice.amountRemaining || invoice.amountDue);
  return (
    <ConfirmDialog
      title={r.title(invoice.number ?? invoice.stripeInvoiceId)}
      description={<p>{r.description(due)}</p>}
      confirmLabel={r.confirm(due)}
      onConfirm={() =>
        void runAndClose(props, 'retry', async () => {
          await props.actions.retryPayment(invoice.stripeInvoiceId);
          return r.done;
        })
      }
      {...dialogState(props)}
    />
  );
}

function ReceiptDialog(props: ActionDialogProps & { invoice: InvoiceRecordJson }): ReactNode {
  const { messages } = useAdminContext();
  const r = messages.actions.receiptDialog;
  const { invoice } = props;
  const email = props.detail.customer.email;
  return (
    <ConfirmDialog
      title={r.title(invoice.number ?? invoice.stripeInvoiceId)}
      description={<p>{email ? r.description(email) : r.noEmail}</p>}
      confirmLabel={r.confirm}
      onConfirm={() =>
        void runAndClose(props, 'receipt', async () => {
          await props.actions.resendReceipt(invoice.stripeInvoiceId);
          return r.done;
        })
      }
      {...dialogState(props)}
    />
  );
}

// --- money for the customer ----------------------------------------------------------------------

function CreditDialog(props: ActionDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.actions;
  const r = m.creditDialog;
  const currency = currencyOf(props);
  const money = useMoney(currency);
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; description?: string }>({});
  const parsed = money.parse(amount);

  const confirm = () => {
    const found = {
      ...(parsed === null ? { amount: m.amountInvalid } : {}),
      ...(description.trim() ? {} : { description: m.required }),
    };
    setErrors(found);
    if (parsed === null || found.description) return;
    void runAndClose(props, 'credit', async () => {
      await props.actions.grantCredit({ amount: parsed, description: description.trim() });
      return r.done(money.text(parsed));
    });
  };

  return (
    <ConfirmDialog
      title={r.title}
      description={<p>{r.description}</p>}
      confirmLabel={parsed === null ? r.title : r.confirm(money.text(parsed))}
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <TextField
        label={m.amountLabel(currency)}
        value={amount}
        onChange={setAmount}
        inputMode="decimal"
        short
        required
        error={errors.amount ?? null}
      />
      <TextField
        label={r.descriptionLabel}
        value={description}
        onChange={setDescription}
        required
        error={errors.description ?? null}
      />
    </ConfirmDialog>
  );
}

interface DraftLine {
  key: number;
  description: string;
  amount: string;
}

function InvoiceDialog(props: ActionDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.actions;
  const r = m.invoiceDialog;
  const currency = currencyOf(props);
  const money = useMoney(currency);
  const [lines, setLines] = useState<DraftLine[]>([{ key: 1, description: '', amount: '' }]);
  const [collection, setCollection] = useState<'charge' | 'send'>('charge');
  const [days, setDays] = useState('14');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const amounts = lines.map((line) => money.parse(line.amount));
  const total = amounts.reduce<number>((sum, amount) => sum + (amount ?? 0), 0);

  const update = (key: number, change: Partial<DraftLine>) =>
    setLines((current) => current.map((line) => (line.key === key ? { ...line, ...change } : line)));

  const confirm = () => {
    const found: Record<string, string> = {};
    lines.forEach((line, index) => {
      if (!line.description.trim()) found[`description-${line.key}`] = m.required;
      if (amounts[index] === null) found[`amount-${line.key}`] = m.amountInvalid;
    });
    const dueDays = Number(days);
    if (collection === 'send' && !(Number.isInteger(dueDays) && dueDays >= 1 && dueDays <= 365))
      found.days = m.required;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    void runAndClose(props, 'invoice', async () => {
      await props.actions.createInvoice({
        items: lines.map((line, index) => ({
          description: line.description.trim(),
          amount: amounts[index]!,
        })),
        collection,
        ...(collection === 'send' ? { daysUntilDue: dueDays } : {}),
      });
      return r.done(money.text(total));
    });
  };

  return (
    <ConfirmDialog
      title={r.title}
      description={<p>{r.description}</p>}
      confirmLabel={r.confirm(money.text(total))}
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <fieldset className="billkit-fieldset">
        <legend>{r.itemsLegend}</legend>
        {lines.map((line, index) => (
          <div key={line.key} className="billkit-field-row billkit-invoice-line">
            <TextField
              label={r.itemDescription(index + 1)}
              value={line.description}
              onChange={(description) => update(line.key, { description })}
              required
              error={errors[`description-${line.key}`] ?? null}
            />
            <TextField
              label={r.itemAmount(index + 1, currency)}
              value={line.amount}
              onChange={(amount) => update(line.key, { amount })}
              inputMode="decimal"
              required
              error={errors[`amount-${line.key}`] ?? null}
            />
            {lines.length > 1 ? (
              <button
                type="button"
                className="billkit-button billkit-button--quiet"
                onClick={() => setLines((current) => current.filter((other) => other.key !== line.key))}
              >
                {r.removeItem(index + 1)}
              </button>
            ) : null}
          </div>
        ))}
        <button
          type="button"
          className="billkit-button"
          onClick={() =>
            setLines((current) => [
              ...current,
              { key: Math.max(...current.map((l) => l.key)) + 1, description: '', amount: '' },
            ])
          }
        >
          {r.addItem}
        </button>
      </fieldset>
      <p className="billkit-total">{r.total(money.text(total))}</p>
      <RadioGroup
        legend={r.collectionLegend}
        value={collection}
        onChange={setCollection}
        options={[
          { value: 'charge', label: r.charge },
          { value: 'send', label: r.send },
        ]}
      />
      {collection === 'send' ? (
        <TextField
          label={r.daysUntilDue}
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          short
          value={days}
          onChange={setDays}
          error={errors.days ?? null}
        />
      ) : null}
    </ConfirmDialog>
  );
}

// --- the subscription ----------------------------------------------------------------------------

function TrialDialog(props: ActionDialogProps): ReactNode {
  const { messages, format } = useAdminContext();
  const r = messages.actions.trialDialog;
  const trialEnd =
    props.subscription?.trialEnd ?? props.subscription?.currentPeriodEnd ?? new Date(0).toISOString();
  const current = format.date(trialEnd);
  const [until, setUntil] = useState(() => dayAfter(trialEnd, 7));
  const [error, setError] = useState<string | null>(null);

  const confirm = () => {
    const chosen = Date.parse(`${until}T00:00:00Z`);
    if (!until || Number.isNaN(chosen) || chosen <= Date.parse(trialEnd)) return setError(r.invalid(current));
    setError(null);
    const iso = new Date(chosen).toISOString();
    void runAndClose(props, 'trial', async () => {
      await props.actions.extendTrial({ until: iso });
      return r.done(format.date(iso));
    });
  };

  return (
    <ConfirmDialog
      title={r.title}
      description={<p>{r.description(current)}</p>}
      confirmLabel={r.confirm}
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <TextField
        label={r.until}
        type="date"
        value={until}
        onChange={setUntil}
        min={dayAfter(trialEnd, 1)}
        error={error}
      />
    </ConfirmDialog>
  );
}

/** 'YYYY-MM-DD' of the UTC day `days` after an ISO time. */
function dayAfter(iso: string, days: number): string {
  const date = new Date(iso);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function GraceDialog(props: ActionDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const r = messages.actions.graceDialog;
  const [days, setDays] = useState('7');
  const [error, setError] = useState<string | null>(null);
  const count = Number(days);
  const valid = Number.isInteger(count) && count >= 1 && count <= 90;

  const confirm = () => {
    if (!valid) return setError(r.invalid);
    setError(null);
    void runAndClose(props, 'grace', async () => {
      await props.actions.extendGrace({ days: count });
      return r.done(count);
    });
  };

  return (
    <ConfirmDialog
      title={r.title}
      description={<p>{r.description}</p>}
      confirmLabel={valid ? r.confirm(count) : r.title}
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <TextField
        label={r.days}
        type="number"
        inputMode="numeric"
        min={1}
        max={90}
        short
        value={days}
        onChange={setDays}
        error={error}
      />
    </ConfirmDialog>
  );
}

function CancelDialog(props: ActionDialogProps): ReactNode {
  const { messages, format } = useAdminContext();
  const r = messages.actions.cancelDialog;
  const subscription = props.subscription;
  const scheduled = subscription?.cancelAtPeriodEnd ?? false;
  const periodEnd = subscription ? format.date(subscription.currentPeriodEnd) : '';
  const [when, setWhen] = useState<'period_end' | 'now'>(scheduled ? 'now' : 'period_end');
  const [reason, setReason] = useState('');

  const confirm = () =>
    void runAndClose(props, 'cancel', async () => {
      await props.actions.cancel({ when, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      return when === 'now' ? r.doneNow : r.donePeriodEnd(periodEnd);
    });

  return (
    <ConfirmDialog
      title={r.title}
      confirmLabel={r.confirm}
      cancelLabel={r.keep}
      tone="danger"
      onConfirm={confirm}
      {...dialogState(props)}
    >
      <RadioGroup
        legend={r.whenLegend}
        value={when}
        onChange={setWhen}
        options={[
          ...(scheduled ? [] : [{ value: 'period_end' as const, label: r.periodEnd(periodEnd) }]),
          { value: 'now' as const, label: r.now },
        ]}
      />
      <TextField label={r.reason} value={reason} onChange={setReason} multiline />
    </ConfirmDialog>
  );
}

function ReactivateDialog(props: ActionDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const r = messages.actions.reactivateDialog;
  const subscription = props.subscription;
  const ended = subscription?.status === 'canceled';
  return (
    <ConfirmDialog
      title={r.title}
      description={
        <p>{ended ? r.ended(planName(subscription?.planId ?? null, props.plans, messages)) : r.scheduled}</p>
      }
      confirmLabel={r.confirm}
      onConfirm={() =>
        void runAndClose(props, 'reactivate', async () => {
          await props.actions.reactivate();
          return r.done;
        })
      }
      {...dialogState(props)}
    />
  );
}

function PlanDialog(props: ActionDialogProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.actions;
  const r = m.planDialog;
  const subscription = props.subscription;
  const plans = props.plans;
  const others = plans?.filter((plan) => plan.id !== subscription?.planId) ?? null;
  const [plan, setPlan] = useState(others?.[0]?.id ?? '');
  const [interval, setBillingInterval] = useState<'month' | 'year'>(
    subscription?.interval === 'year' ? 'year' : 'month',
  );
  const [error, setError] = useState<string | null>(null);

  // The plans may arrive after the dialog opened.
  useEffect(() => {
    if (!plan && others?.[0]) setPlan(others[0].id);
  }, [plan, others]);

  const confirm = () => {
    if (!plan.trim()) return setError(m.required);
    setError(null);
    void runAndClose(props, 'plan', async () => {
      await props.actions.changePlan({ plan: plan.trim(), interval });
      return r.done(planName(plan.trim(), plans, messages));
    });
  };

  return (
    <ConfirmDialog
      title={r.title}
      description={<p>{r.description}</p>}
      confirmLabel={r.confirm}
      onConfirm={confirm}
      {...dialogState(props)}
    >
      {others && others.length > 0 ? (
        <SelectField
          label={r.plan}
          value={plan}
          onChange={setPlan}
          options={others.map((option) => ({ value: option.id, label: option.name }))}
          error={error}
        />
      ) : (
        <TextField label={r.planId} value={plan} onChange={setPlan} required error={error} />
      )}
      <RadioGroup
        legend={r.intervalLegend}
        value={interval}
        onChange={setBillingInterval}
        options={[
          { value: 'month', label: r.month },
          { value: 'year', label: r.year },
        ]}
      />
    </ConfirmDialog>
  );
}

/** A plan's name from the catalog, else its id. */
export function planName(planId: string | null, plans: PlanJson[] | null, messages: AdminMessages): string {
  if (!planId) return messages.timeline.unknownPlan;
  return plans?.find((plan) => plan.id === planId)?.name ?? planId;
}
