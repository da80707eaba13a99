// The commands. Each parses its own arguments (a UsageError: exit 2), does its work, writes its
// result to stdout and answers its exit code.

import { createAdmin, decimal, toCsv } from '@billkit/admin';
import type { BackfillReport, ReconcileProgress, ReconcileReport } from '@billkit/core';
import { type CostRow, createMetering, defaultPriceBook, type PriceBook } from '@billkit/metering';
import type { MigrateResult } from '@billkit/store-sql';
import { createWebhookHandler } from '@billkit/webhooks';
import { dateFlag, intFlag, parseArgs, UsageError } from './args.js';
import { COMMON_FLAGS, loadConfig, openBilling, openStore } from './environment.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines are redrawn in place on a terminal. */
  tty: boolean;
}

export interface Command {
  usage: string;
  run(args: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number>;
}

const DATABASE = { config: COMMON_FLAGS.config, 'table-prefix': COMMON_FLAGS['table-prefix'] };

export const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: `billkit migrate [--table-prefix <prefix>]
    Creates or upgrades Billkit's tables in DATABASE_URL and prints what each migration did.`,
    async run(args, env, io) {
      const parsed = parseArgs('migrate', args, { 'table-prefix': DATABASE['table-prefix'] });
      const store = openStore(parsed, env);
      try {
        const result = await store.migrateWithReport();
        io.out(migrateReport(result));
        return result.ok ? 0 : 1;
      } finally {
        await store.close();
      }
    },
  },

  'catalog sync': {
    usage: `billkit catalog sync [--config <file>] [--sim]
    Creates or updates the catalog's products and prices in Stripe (by lookup key).`,
    async run(args, env, io) {
      const parsed = parseArgs('catalog sync', args, COMMON_FLAGS);
      const { billing, store } = await openBilling(parsed, env);
      try {
        const result = await billing.catalog.sync();
        const lines = result.items.map(
          (item) => `  ${item.kind} ${item.kind === 'price' ? item.lookupKey : item.planId}: ${item.action}`,
        );
        io.out(
          `${lines.join('\n')}\nThe catalog is in Stripe (${result.items.length} products and prices).\n`,
        );
        return 0;
      } finally {
        await store.close();
      }
    },
  },

  sync: {
    usage: `billkit sync [--config <file>] [--sim]
    Imports an existing Stripe account into the database: customers with a user id in their
    billkit_user_id or user_id metadata, and everything under them.`,
    async run(args, env, io) {
      const parsed = parseArgs('sync', args, COMMON_FLAGS);
      const { billing, store } = await openBilling(parsed, env);
      const onProgress = progressLine('sync', io);
      try {
        const report = await billing.backfill({ onProgress });
        onProgress.end();
        io.out(backfillSummary(report));
        return 0;
      } finally {
        onProgress.end();
        await store.close();
      }
    },
  },

  reconcile: {
    usage: `billkit reconcile [--repair] [--since <date>] [--restart] [--config <file>] [--sim]
    Compares the database with Stripe (customers, subscriptions, payment methods, invoices,
    charges, refunds, disputes) and prints every difference; --repair fixes each from Stripe
    (audited). Exits 1 while a difference is unrepaired. A run cut off part-way resumes where it
    stopped (--restart starts over).`,
    async run(args, env, io) {
      const parsed = parseArgs('reconcile', args, {
        ...COMMON_FLAGS,
        repair: {},
        restart: {},
        since: { value: true },
      });
      const since = dateFlag(parsed, 'since', false);
      const repair = parsed.flags.has('repair');
      const { billing, store } = await openBilling(parsed, env);
      const onProgress = progressLine('reconcile', io);
      try {
        const report = await billing.reconcile({
          repair,
          restart: parsed.flags.has('restart'),
          onProgress,
          ...(since ? { since } : {}),
        });
        onProgress.end();
        io.out(reconcileSummary(report, repair));
        return report.differences.some((difference) => !difference.repaired) ? 1 : 0;
      } finally {
        onProgress.end();
        await store.close();
      }
    },
  },

  'webhooks replay': {
    usage: `billkit webhooks replay <event id> | --failed [--config <file>] [--sim]
    Applies a stored Stripe event again (its payload as it came), or every event whose
    application failed. Exits 1 when one fails again.`,
    async run(args, env, io) {
      const parsed = parseArgs('webhooks replay', args, { ...COMMON_FLAGS, failed: {} }, { min: 0, max: 1 });
      const [eventId] = parsed.positional;
      const failed = parsed.flags.has('failed');
      if (failed === (eventId !== undefined)) throw new UsageError('Name one event id, or pass --failed.');
      if (eventId !== undefined && !/^evt_\w{1,250}$/.test(eventId)) {
        throw new UsageError(`${eventId} is not a Stripe event id (evt_...).`);
      }
      const { billing, store } = await openBilling(parsed, env);
      try {
        // Replays read the payload kept in the inbox: no signature is checked, so any secret does.
        const handler = createWebhookHandler({
          billing,
          secret: env.STRIPE_WEBHOOK_SECRET ?? 'whsec_replay',
        });
        const results = eventId ? [await handler.replay(eventId)] : await handler.replayFailed();
        for (const result of results) {
          const detail = result.error ? `: ${result.error}` : result.note ? ` (${result.note})` : '';
          io.out(`  ${result.eventId}: ${result.status}${detail}\n`);
        }
        io.out(`Replayed ${results.filter((r) => r.replayed).length} of ${results.length} events.\n`);
        return results.some((result) => result.status === 'failed') ? 1 : 0;
      } finally {
        await store.close();
      }
    },
  },

  'notifications flush': {
    usage: `billkit notifications flush [--limit <n>] [--config <file>] [--sim]
    Sends the due messages in the outbox through the config's notifier. Exits 1 when one fails
    (it is retried later with back-off).`,
    async run(args, env, io) {
      const parsed = parseArgs('notifications flush', args, { ...COMMON_FLAGS, limit: { value: true } });
      const limit = intFlag(parsed, 'limit', { min: 1, max: 10_000 });
      // Receipts attach the invoice PDF, which may need Stripe.
      const { billing, store, config } = await openBilling(parsed, env);
      if (!config.notifier)
        io.err('billkit notifications flush: the config has no notifier; messages go nowhere.\n');
      try {
        const result = await billing.notifications.flush(limit ? { limit } : undefined);
        io.out(`Sent ${result.sent}, failed ${result.failed}.\n`);
        return result.failed > 0 ? 1 : 0;
      } finally {
        await store.close();
      }
    },
  },

  report: {
    usage: `billkit report mrr|gst|journal --from <date> --to <date> [--csv] [--config <file>]
    mrr: MRR, ARR, paying customers, churn and the month-by-month movements; gst: the GST
    collected and refunded by quarter; journal: the double-entry journal. --csv prints CSV.`,
    async run(args, env, io) {
      const parsed = parseArgs(
        'report',
        args,
        { ...DATABASE, sim: COMMON_FLAGS.sim, from: { value: true }, to: { value: true }, csv: {} },
        { min: 1, max: 1 },
      );
      const kind = parsed.positional[0]!;
      if (!['mrr', 'gst', 'journal'].includes(kind)) {
        throw new UsageError(`billkit report takes mrr, gst or journal (got ${kind}).`);
      }
      const range = { from: dateFlag(parsed, 'from', true)!, to: dateFlag(parsed, 'to', true)! };
      if (range.from >= range.to) throw new UsageError('--from must be before --to.');
      const csv = parsed.flags.has('csv');
      const { billing, store } = await openBilling(parsed, env, { readOnly: true });
      try {
        const admin = createAdmin({ billing });
        if (kind === 'mrr') io.out(mrrReport(await admin.metrics(range), csv));
        else if (kind === 'gst') {
          io.out(
            csv
              ? await admin.reports.gst({ ...range, format: 'csv' })
              : print(await admin.reports.gst(range)),
          );
        } else {
          io.out(
            csv
              ? await admin.reports.journal({ ...range, format: 'csv' })
              : print(await admin.reports.journal(range)),
          );
        }
        return 0;
      } finally {
        await store.close();
      }
    },
  },

  'usage summary': {
    usage: `billkit usage summary [--from <date>] [--to <date>] [--config <file>]
    The host's spend on external APIs by provider (@billkit/metering), the last 30 days unless
    given; the config's priceBook, else the default one.`,
    async run(args, env, io) {
      const parsed = parseArgs('usage summary', args, {
        ...DATABASE,
        from: { value: true },
        to: { value: true },
      });
      const to = dateFlag(parsed, 'to', false) ?? new Date();
      const from = dateFlag(parsed, 'from', false) ?? new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw new UsageError('--from must be before --to.');
      // Only the store and the price book: no engine, no catalog, no Stripe.
      const config = await loadConfig(parsed, { catalog: false });
      const store = openStore(parsed, env);
      const metering = createMetering({
        store,
        priceBook: (config.priceBook as PriceBook | undefined) ?? defaultPriceBook(),
      });
      try {
        const rows = await metering.costs({ from, to, groupBy: ['provider'] });
        io.out(usageTable(rows, from, to));
        return 0;
      } finally {
        await metering.close();
        await store.close();
      }
    },
  },
};

function print(value: unknown): string {
  return typeof value === 'string'
    ? value.endsWith('\n')
      ? value
      : `${value}\n`
    : `${JSON.stringify(value, null, 2)}\n`;
}

function migrateReport(result: MigrateResult): string {
  const lines = result.migrations.map(
    (migration) =>
      `  ${String(migration.version).padStart(4, '0')} ${migration.name}: ${migration.status}` +
      (migration.error === undefined ? '' : ` — ${migration.error}`),
  );
  const applied = result.migrations.filter((migration) => migration.status === 'applied').length;
  const summary = result.ok
    ? applied === 0
      ? 'The schema is up to date; nothing to do.'
      : `Applied ${applied} migration${applied === 1 ? '' : 's'}.`
    : 'A migration failed; the ones before it stay applied.';
  return `${lines.join('\n')}\n${summary}\n`;
}

/** One line of progress: redrawn in place on a terminal, else every 100 customers. */
function progressLine(command: string, io: Io): ((progress: ReconcileProgress) => void) & { end(): void } {
  let drawn = false;
  const draw = (progress: ReconcileProgress) => {
    const line = `${command}: ${progress.customers} customers, ${progress.differences} differences`;
    if (io.tty) {
      io.err(`\r${line}`);
      drawn = true;
    } else if (progress.customers % 100 === 0) io.err(`${line}\n`);
  };
  return Object.assign(draw, {
    end() {
      if (drawn) io.err('\n');
      drawn = false;
    },
  });
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function counts(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .map(([kind, count]) => plural(count, kind.replace('_', ' ')))
    .join(', ');
}

function reconcileSummary(report: ReconcileReport, repair: boolean): string {
  const lines = report.differences.map(
    (d) =>
      `  ${d.kind} ${d.id}${d.userId ? ` (${d.userId})` : ''}: ${d.problem.replaceAll('_', ' ')}` +
      (d.fields.length > 0 ? ` [${d.fields.join(', ')}]` : '') +
      (d.repaired ? ' — repaired' : ''),
  );
  const count = report.differences.length;
  const repaired = report.differences.filter((d) => d.repaired).length;
  const verdict =
    count === 0
      ? '0 differences: the database matches Stripe.'
      : `${plural(count, 'difference')}${repair ? `, ${repaired} repaired` : ' (run with --repair to fix them from Stripe)'}.`;
  return `${lines.length > 0 ? `${lines.join('\n')}\n` : ''}Checked ${counts(report.checked)}${report.resumed ? ' (resumed)' : ''}.\n${verdict}\n`;
}

function backfillSummary(report: BackfillReport): string {
  const skipped = report.skipped.map(
    (s) => `  skipped ${s.stripeCustomerId}: ${s.reason.replaceAll('_', ' ')}`,
  );
  return `${skipped.length > 0 ? `${skipped.join('\n')}\n` : ''}Imported ${counts(report.imported)}; ${report.unchanged} already up to date.\n`;
}

type Metrics = Awaited<ReturnType<ReturnType<typeof createAdmin>['metrics']>>;

const MRR_COLUMNS = [
  'month',
  'new',
  'expansion',
  'contraction',
  'churned',
  'reactivated',
  'netNew',
  'mrr',
  'customers',
] as const;

function mrrReport(metrics: Metrics, csv: boolean): string {
  const rows = metrics.movements.map((month) =>
    MRR_COLUMNS.map((column) =>
      column === 'month' || column === 'customers' ? month[column] : decimal(month[column]),
    ),
  );
  if (csv) return toCsv(MRR_COLUMNS, rows);
  const money = (minor: number) => `${metrics.currency.toUpperCase()} ${decimal(minor)}`;
  const rate = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
  return [
    `MRR at ${metrics.to.toISOString().slice(0, 10)}: ${money(metrics.mrr)} (ARR ${money(metrics.arr)})`,
    `Paying customers: ${metrics.payingCustomers}; ARPU ${money(metrics.arpu)}`,
    `Churn a month: ${rate(metrics.churnRate)} of customers, ${rate(metrics.revenueChurnRate)} of revenue`,
    '',
    table(MRR_COLUMNS, rows),
  ].join('\n');
}

/** Columns padded to their widest cell; numbers to the right. */
function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n')}\n`;
}

function usageTable(rows: CostRow[], from: Date, to: Date): string {
  const period = `${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)}`;
  if (rows.length === 0) return `No API usage recorded from ${period}.\n`;
  const body = rows.map((row) => [
    row.provider ?? '(none)',
    row.count,
    row.failures,
    `${row.currency.toUpperCase()} ${(row.costMicros / 1_000_000).toFixed(4)}`,
  ]);
  return `API usage from ${period}, by provider:\n${table(['provider', 'calls', 'failures', 'cost'], body)}`;
}
