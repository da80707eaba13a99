// Store speed, as ratios against the raw driver measured in the same run (never timed assertions).
// For SQLite (a temp file) and PostgreSQL (a throwaway schema), two rows:
//   webhook event applied: webhookEvents.record + claim + subscriptions.upsert + complete, per event,
//     against the same four statements (INSERT event, UPDATE claim, INSERT subscription, UPDATE
//     complete) written with the driver into plain tables;
//   access.check lookup: billing.access.check(userId) over 1,000 users' subscriptions, against
//     `SELECT * ... WHERE user_id = ? ORDER BY created_at DESC` on a plain table indexed on user_id.
// Run: pnpm bench (in packages/store-sql).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BillingStore, createBilling, defineCatalog, type SubscriptionRecord } from '@billkit/core';
import { aSubscription, aWebhookEvent } from '@billkit/core/testing';
import Database from 'better-sqlite3';
import Stripe from 'stripe';
import { postgresTestDatabase } from '../src/dialects/test-databases.js';
import { postgresStore, sqliteStore } from '../src/index.js';

/** Each measured row stops after this long, whatever its count. */
const ROW_BUDGET_MS = 3_000;
const USERS = 1_000;
const WARMUP = 50;

interface Measurement {
  ops: number;
  totalMs: number;
  latencies: number[];
}

interface Row {
  db: string;
  name: string;
  subject: Measurement;
  baseline: Measurement;
}

/** Runs `op(i)` one at a time, up to `count` times or until the budget is spent. */
async function measure(count: number, op: (i: number) => Promise<void>, budgetMs = Infinity) {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    const t1 = performance.now();
    latencies.push(t1 - t0);
    if (t1 - start > budgetMs) break;
  }
  return { ops: latencies.length, totalMs: performance.now() - start, latencies } satisfies Measurement;
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

const perSecond = (m: Measurement) => (m.ops / m.totalMs) * 1000;

// --- the plain tables of the baseline -------------------------------------------------------------

const EVENT_COLUMNS = [
  'event_id',
  'type',
  'stripe_created',
  'payload',
  'status',
  'attempts',
  'last_error',
  'note',
  'received_at',
  'updated_at',
  'lease_until',
];

const SUBSCRIPTION_COLUMNS = [
  'stripe_subscription_id',
  'stripe_customer_id',
  'user_id',
  'status',
  'plan_id',
  'stripe_price_id',
  'interval',
  'quantity',
  'amount',
  'currency',
  'current_period_start',
  'current_period_end',
  'cancel_at_period_end',
  'cancel_at',
  'canceled_at',
  'ended_at',
  'trial_start',
  'trial_end',
  'paused_collection',
  'past_due_since',
  'latest_invoice_id',
  'downgrade_until',
  'downgrade_from_plan_id',
  'cancellation_reason',
  'cancellation_feedback',
  'created_at',
  'updated_at',
  'watermark',
  'version',
];

type Sql = 'sqlite' | 'postgres';

function plainTablesDdl(kind: Sql): string[] {
  const ts = kind === 'sqlite' ? 'text' : 'timestamptz(3)';
  const bool = kind === 'sqlite' ? 'integer' : 'boolean';
  const big = kind === 'sqlite' ? 'integer' : 'bigint';
  return [
    `create table plain_events (event_id text primary key, type text not null, stripe_created ${ts} not null,
      payload text not null, status text not null, attempts integer not null, last_error text, note text,
      received_at ${ts} not null, updated_at ${ts} not null, lease_until ${ts})`,
    `create table plain_subscriptions (stripe_subscription_id text primary key, stripe_customer_id text not null,
      user_id text not null, status text not null, plan_id text, stripe_price_id text not null,
      interval text not null, quantity ${big} not null, amount ${big} not null, currency text not null,
      current_period_start ${ts} not null, current_period_end ${ts} not null,
      cancel_at_period_end ${bool} not null, cancel_at ${ts}, canceled_at ${ts}, ended_at ${ts},
      trial_start ${ts}, trial_end ${ts}, paused_collection text, past_due_since ${ts},
      latest_invoice_id text, downgrade_until ${ts}, downgrade_from_plan_id text,
      cancellation_reason text, cancellation_feedback text, created_at ${ts} not null,
      updated_at ${ts} not null, watermark ${big} not null, version ${big} not null)`,
    'create index plain_subscriptions_user_idx on plain_subscriptions (user_id)',
  ];
}

/** A record's values in column order: ISO text and 0/1 for SQLite, Dates and booleans for pg. */
function values(kind: Sql, fields: unknown[]): unknown[] {
  return fields.map((value) => {
    if (kind === 'sqlite' && value instanceof Date) return value.toISOString();
    if (kind === 'sqlite' && typeof value === 'boolean') return value ? 1 : 0;
    return value;
  });
}

function subscriptionValues(kind: Sql, s: SubscriptionRecord): unknown[] {
  return values(kind, [
    s.stripeSubscriptionId,
    s.stripeCustomerId,
    s.userId,
    s.status,
    s.planId,
    s.stripePriceId,
    s.interval,
    s.quantity,
    s.amount,
    s.currency,
    s.currentPeriodStart,
    s.currentPeriodEnd,
    s.cancelAtPeriodEnd,
    s.cancelAt,
    s.canceledAt,
    s.endedAt,
    s.trialStart,
    s.trialEnd,
    s.pausedCollection,
    s.pastDueSince,
    s.latestInvoiceId,
    s.scheduledDowngrade?.until ?? null,
    s.scheduledDowngrade?.fromPlanId ?? null,
    s.cancellationReason,
    s.cancellationFeedback,
    s.createdAt,
    s.updatedAt,
    s.watermark,
    s.version,
  ]);
}

function placeholders(kind: Sql, count: number): string {
  return Array.from({ length: count }, (_, i) => (kind === 'sqlite' ? '?' : `$${i + 1}`)).join(', ');
}

/** The statements of the baseline, run through whichever driver. */
interface RawDriver {
  kind: Sql;
  run(sql: string, params: unknown[]): Promise<void>;
  all(sql: string, params: unknown[]): Promise<unknown[]>;
}

function rawStatements(kind: Sql) {
  const p = (n: number) => (kind === 'sqlite' ? '?' : `$${n}`);
  return {
    insertEvent: `insert into plain_events (${EVENT_COLUMNS.join(', ')}) values (${placeholders(kind, EVENT_COLUMNS.length)})`,
    claim: `update plain_events set status = 'processing', attempts = attempts + 1, lease_until = ${p(1)},
      updated_at = ${p(2)} where event_id = ${p(3)} and status = 'received'`,
    insertSubscription: `insert into plain_subscriptions (${SUBSCRIPTION_COLUMNS.join(', ')}) values (${placeholders(kind, SUBSCRIPTION_COLUMNS.length)})`,
    complete: `update plain_events set status = 'applied', lease_until = null, updated_at = ${p(1)}
      where event_id = ${p(2)} and status = 'processing' and attempts = ${p(3)}`,
    byUser: `select * from plain_subscriptions where user_id = ${p(1)} order by created_at desc`,
  };
}

// --- the two rows ---------------------------------------------------------------------------------

function subscriptionEvent() {
  const subscription = aSubscription();
  const event = aWebhookEvent({ type: 'customer.subscription.updated' });
  return { event, subscription };
}

async function applyThroughStore(store: BillingStore) {
  const { event, subscription } = subscriptionEvent();
  const now = new Date();
  await store.webhookEvents.record(event);
  const claimed = await store.webhookEvents.claim(event.eventId, {
    now,
    leaseUntil: new Date(now.getTime() + 60_000),
  });
  if (!claimed) throw new Error(`could not claim ${event.eventId}`);
  await store.subscriptions.upsert(subscription);
  const done = await store.webhookEvents.complete(event.eventId, {
    status: 'applied',
    at: new Date(),
    attempt: claimed.attempts,
  });
  if (!done) throw new Error(`could not complete ${event.eventId}`);
}

async function applyByHand(raw: RawDriver) {
  const sql = rawStatements(raw.kind);
  const { event, subscription } = subscriptionEvent();
  const now = new Date();
  await raw.run(
    sql.insertEvent,
    values(raw.kind, [
      event.eventId,
      event.type,
      event.stripeCreated,
      event.payload,
      event.status,
      event.attempts,
      event.lastError,
      event.note,
      event.receivedAt,
      event.updatedAt,
      event.leaseUntil,
    ]),
  );
  await raw.run(sql.claim, values(raw.kind, [new Date(now.getTime() + 60_000), now, event.eventId]));
  await raw.run(sql.insertSubscription, subscriptionValues(raw.kind, subscription));
  await raw.run(sql.complete, values(raw.kind, [new Date(), event.eventId, 1]));
}

async function webhookRow(db: string, store: BillingStore, raw: RawDriver, count: number): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) {
    await applyThroughStore(store);
    await applyByHand(raw);
  }
  const subject = await measure(count, () => applyThroughStore(store), ROW_BUDGET_MS);
  const baseline = await measure(subject.ops, () => applyByHand(raw));
  return { db, name: 'webhook event applied', subject, baseline };
}

const stripe = new Stripe('sk_test_x', {
  httpClient: Stripe.createFetchHttpClient(async () => new Response('{}')),
});
const catalog = defineCatalog({
  currency: 'aud',
  plans: [{ id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] }],
});

async function accessRow(db: string, store: BillingStore, raw: RawDriver, count: number): Promise<Row> {
  const sql = rawStatements(raw.kind);
  const users = Array.from({ length: USERS }, (_, i) => `bench_user_${i}`);
  for (const userId of users) {
    const subscription = aSubscription({ userId });
    await store.subscriptions.upsert(subscription);
    await raw.run(sql.insertSubscription, subscriptionValues(raw.kind, subscription));
  }
  const billing = createBilling({ stripe, store, catalog });
  const randomUser = () => users[Math.floor(Math.random() * users.length)]!;
  const check = async () => {
    const decision = await billing.access.check(randomUser());
    if (!decision.allowed) throw new Error(`access.check said no: ${decision.reason}`);
  };
  const select = async () => {
    const rows = await raw.all(sql.byUser, [randomUser()]);
    if (rows.length === 0) throw new Error('the plain lookup found nothing');
  };
  for (let i = 0; i < WARMUP; i++) {
    await check();
    await select();
  }
  const subject = await measure(count, check, ROW_BUDGET_MS);
  const baseline = await measure(subject.ops, select);
  return { db, name: 'access.check lookup', subject, baseline };
}

// --- the databases --------------------------------------------------------------------------------

async function sqliteRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'billkit-bench-'));
  const filename = join(dir, 'bench.db');
  const store = sqliteStore({ filename });
  const connection = new Database(filename, { timeout: 10_000 });
  try {
    await store.migrate();
    connection.pragma('journal_mode = WAL');
    for (const ddl of plainTablesDdl('sqlite')) connection.exec(ddl);
    const statements = new Map<string, Database.Statement>();
    const prepared = (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = connection.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    };
    const raw: RawDriver = {
      kind: 'sqlite',
      run: async (sql, params) => {
        prepared(sql).run(...params);
      },
      all: async (sql, params) => prepared(sql).all(...params),
    };
    return [await webhookRow('SQLite', store, raw, 2_000), await accessRow('SQLite', store, raw, 5_000)];
  } finally {
    connection.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRows(): Promise<Row[] | string> {
  const database = await postgresTestDatabase();
  if (database.skip) return `n/a: ${database.skip}`;
  const store = postgresStore({ pool: database.pool() });
  const pool = database.pool();
  try {
    await store.migrate();
    for (const ddl of plainTablesDdl('postgres')) await pool.query(ddl);
    const raw: RawDriver = {
      kind: 'postgres',
      run: async (sql, params) => {
        await pool.query(sql, params);
      },
      all: async (sql, params) => (await pool.query(sql, params)).rows,
    };
    return [
      await webhookRow('PostgreSQL', store, raw, 1_000),
      await accessRow('PostgreSQL', store, raw, 3_000),
    ];
  } finally {
    await store.close();
    await database.drop();
  }
}

// --- the table ------------------------------------------------------------------------------------

function printTable(rows: Row[], notes: string[]) {
  const header = [
    'database',
    'benchmark',
    'ops',
    'store ops/s',
    'store p99 ms',
    'raw ops/s',
    'raw p99 ms',
    'ratio (time/op vs raw)',
  ];
  const lines = rows.map((row) => [
    row.db,
    row.name,
    String(row.subject.ops),
    perSecond(row.subject).toFixed(0),
    p99(row.subject.latencies).toFixed(3),
    perSecond(row.baseline).toFixed(0),
    p99(row.baseline.latencies).toFixed(3),
    `${(perSecond(row.baseline) / perSecond(row.subject)).toFixed(2)}x`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const line of lines) console.log(format(line));
  for (const note of notes) console.log(note);
}

const started = performance.now();
const rows = await sqliteRows();
const notes: string[] = [];
const postgres = await postgresRows();
if (typeof postgres === 'string') notes.push(`PostgreSQL: ${postgres}`);
else rows.push(...postgres);
printTable(rows, notes);
console.log(
  `\nraw = the same statements with the driver on plain tables; ratio > 1 means the store is slower. ` +
    `Total ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
