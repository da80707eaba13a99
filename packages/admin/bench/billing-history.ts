// A synthetic 24-month billing history for the benchmarks, written straight into a migrated
// PostgreSQL schema with set-based SQL (INSERT ... SELECT over generate_series), so a million
// invoices load in about half a minute on two cores. Every draw is a hash of the row's number: the
// same size gives the same rows on every run.
//
// One customer per subscription. About 74% active, 4% past due (the last renewal failed), 18%
// canceled (after 1 to 12 months; some Starter trials never converted), 3% trialing, 1% abandoned
// at signup; 10% yearly; Pro (A$10 / A$100), Business (A$20 / A$200), Starter (A$5, 14-day trial);
// 15% of seats with 2 to 5 seats; 5% of customers abroad (no GST). Invoices, one line each with its
// service period, for every billed period; 4% of them paid after a failed charge; refunds on ~2%,
// disputes on ~0.1%; Stripe fees on every charge. The MRR ledger matches the subscriptions: `new`
// at the first payment, an `expansion` or `contraction` for 15% of monthly ones (a seat more or
// less), `churn` when a paying one ends.

import { ABANDONED_AT_SIGNUP } from '@billkit/core';
import type { PgClient } from './postgres.js';

export interface HistoryShape {
  subscriptions: number;
  /** The instant the history ends at (the engine's "now"). */
  now: Date;
  /** Months of history before `now`. */
  months: number;
}

export interface LoadReport {
  /** Rows per table, Billkit's names without the prefix. */
  rows: Record<string, number>;
  /** What the metrics must answer at `now`, from the generator's own plan (not from Billkit's tables). */
  expected: { mrr: number; payingCustomers: number; subscribers: number };
  /** Milliseconds per step. */
  steps: Array<{ step: string; ms: number }>;
}

/** Billkit's tables the history fills. */
const FILLED_TABLES = [
  'customers',
  'subscriptions',
  'invoices',
  'invoice_lines',
  'payments',
  'refunds',
  'disputes',
  'mrr_movements',
] as const;

/**
 * Fills the `prefix`ed tables of the schema (already migrated, empty) with the history, through two
 * sessions on it: one INSERT ... SELECT keeps one core busy, so the invoices load on one while
 * their lines and payments load on the other. Each table's indexes, its primary key included, are
 * dropped before the load and built again, as the migration made them, once it is filled; then it
 * is vacuumed and analyzed, as autovacuum would have left a live database.
 *
 * Measured at ~1M invoices on two cores: with the migration's indexes in place the load took 76 s
 * (113 s on one session); dropping only the secondary indexes, 47 s; dropping the primary keys too,
 * 34 s (a text key inserted in time order, not key order, costs more than building it afterwards).
 * COPY is no faster than INSERT ... SELECT here (10.6 s against 8.2 s for the invoices with their
 * primary key), and the rows would have to travel to the client and back.
 */
export async function loadBillingHistory(
  [loader, second]: [PgClient, PgClient],
  schema: string,
  prefix: string,
  shape: HistoryShape,
  onStep?: (step: string, ms: number) => void,
): Promise<LoadReport> {
  const steps: LoadReport['steps'] = [];
  const step = async (session: PgClient, name: string, sql: string, values: unknown[] = []) => {
    const started = performance.now();
    await session.query(sql, values);
    const ms = performance.now() - started;
    steps.push({ step: name, ms });
    onStep?.(name, ms);
  };
  const t = (table: (typeof FILLED_TABLES)[number]) => `${prefix}${table}`;
  const now = shape.now.toISOString();
  const start = new Date(
    Date.UTC(shape.now.getUTCFullYear(), shape.now.getUTCMonth() - shape.months, 1),
  ).toISOString();

  const indexes = await indexesOf(
    loader,
    schema,
    FILLED_TABLES.map((table) => t(table)),
  );
  await step(loader, 'drop indexes', indexes.map((index) => index.drop).join(';\n'));
  /** Fills one table, builds its indexes again, and vacuums it. */
  const fill = async (
    session: PgClient,
    table: (typeof FILLED_TABLES)[number],
    sql: string,
    values: unknown[] = [],
  ) => {
    await step(session, table, sql, values);
    const own = indexes.filter((index) => index.table === t(table));
    await step(session, `${table} indexes`, own.map((index) => index.build).join(';\n'));
    await step(session, `vacuum analyze ${table}`, `vacuum analyze ${t(table)}`);
  };
  /** Both sessions' work at once; waits for both even when one fails, then throws its error. */
  const together = async (...lanes: Array<() => Promise<void>>) => {
    const ran = await Promise.allSettled(lanes.map((lane) => lane()));
    const failed = ran.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  };

  await step(loader, 'helper functions', `${DRAW_FUNCTION};\n${MRR_FUNCTION}`);
  await step(loader, 'plan subscriptions', planSubscriptions(shape.months), [
    shape.subscriptions,
    now,
    start,
  ]);
  await together(
    () => step(loader, 'plan invoices', PLAN_INVOICES, [now]),
    async () => {
      await fill(second, 'customers', insertCustomers(t('customers')));
      await fill(second, 'subscriptions', insertSubscriptions(t('subscriptions')), [
        now,
        ABANDONED_AT_SIGNUP,
      ]);
      await fill(second, 'mrr_movements', insertMrrMovements(t('mrr_movements')));
    },
  );
  await together(
    async () => {
      await fill(loader, 'invoices', insertInvoices(t('invoices')));
      await fill(loader, 'refunds', insertRefunds(t('refunds')));
      await fill(loader, 'disputes', insertDisputes(t('disputes')));
    },
    async () => {
      await fill(second, 'invoice_lines', insertInvoiceLines(t('invoice_lines')));
      await fill(second, 'payments', insertPayments(t('payments')));
    },
  );
  const expected = await expectedFigures(loader);
  await step(loader, 'drop plans', 'drop table bench_invoices; drop table bench_subscriptions');

  const rows: Record<string, number> = {};
  for (const table of FILLED_TABLES) {
    const { rows: counted } = await loader.query<{ n: string }>(`select count(*) as n from ${t(table)}`);
    rows[table] = Number(counted[0]?.n ?? 0);
  }
  return { rows, expected, steps };
}

/** MRR now is each paying subscription's MRR after its last change; abandoned signups are not subscribers. */
async function expectedFigures(loader: PgClient): Promise<LoadReport['expected']> {
  const { rows } = await loader.query<{ mrr: string; paying: string; subscribers: string }>(
    `select coalesce(sum(mrr_after) filter (where status in ('active', 'past_due')), 0) as mrr,
            count(*) filter (where status in ('active', 'past_due')) as paying,
            count(*) filter (where status <> 'incomplete_expired') as subscribers
       from bench_subscriptions`,
  );
  const row = rows[0]!;
  return { mrr: Number(row.mrr), payingCustomers: Number(row.paying), subscribers: Number(row.subscribers) };
}

/**
 * Every index of `tables`, primary keys and unique constraints included, with the statements that
 * drop it and build it again as the migration made it (a constraint's index through its constraint).
 */
async function indexesOf(
  loader: PgClient,
  schema: string,
  tables: string[],
): Promise<Array<{ table: string; drop: string; build: string }>> {
  const { rows } = await loader.query<{ table: string; drop: string; build: string }>(
    `select tc.relname as table,
            case when c.oid is null then 'drop index ' || quote_ident(n.nspname) || '.' || quote_ident(ic.relname)
                 else 'alter table ' || quote_ident(n.nspname) || '.' || quote_ident(tc.relname)
                      || ' drop constraint ' || quote_ident(c.conname) end as drop,
            case when c.oid is null then pg_get_indexdef(i.indexrelid)
                 else 'alter table ' || quote_ident(n.nspname) || '.' || quote_ident(tc.relname)
                      || ' add constraint ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) end as build
       from pg_index i
       join pg_class ic on ic.oid = i.indexrelid
       join pg_class tc on tc.oid = i.indrelid
       join pg_namespace n on n.oid = tc.relnamespace
       left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = tc.oid and c.contype in ('p', 'u')
      where n.nspname = $1 and tc.relname = any($2)
      -- constraints first: the primary key is built before the indexes that follow it
      order by tc.relname, c.oid is null, ic.relname`,
    [schema, tables],
  );
  return rows;
}

// bench_draw(n, salt): a number in [0, 1000) that looks random, the same for the same arguments.
const DRAW_FUNCTION = `
create function bench_draw(n bigint, salt int) returns int
  language sql immutable parallel safe
  as $$ select (((hashint8(n * 64 + salt) % 1000) + 1000) % 1000)::int $$`;

/**
 * bench_subscriptions: one row per subscription with everything the other tables are derived
 * from. $1 = how many, $2 = now, $3 = the first month of the history.
 */
function planSubscriptions(months: number): string {
  return `
create unlogged table bench_subscriptions as
with drawn as (
  select j,
         bench_draw(j, 1) as r_plan, bench_draw(j, 2) as r_interval, bench_draw(j, 3) as r_start,
         bench_draw(j, 4) as r_day, bench_draw(j, 5) as r_status, bench_draw(j, 6) as r_life,
         bench_draw(j, 7) as r_change, bench_draw(j, 8) as r_seats, bench_draw(j, 9) as r_abroad
    from generate_series(1, $1::int) as j
), typed as materialized (
  select d.*,
         case when r_plan < 500 then 'pro' when r_plan < 800 then 'business' else 'starter' end as plan,
         case when r_status < 180 then 'canceled' when r_status < 220 then 'past_due'
              when r_status < 250 then 'trialing' when r_status < 260 then 'incomplete_expired'
              else 'active' end as status,
         case when r_seats < 850 then 1 else 2 + r_seats % 4 end as seats,
         r_abroad < 50 as abroad
    from drawn d
), timed as (
  select t.*,
         case when plan <> 'starter' and status <> 'past_due' and r_interval < 100 then 'year' else 'month' end as interval,
         case when status = 'trialing'
              then $2::timestamptz - make_interval(days => 1 + r_day % 13, secs => j % 86400)
              -- past-due ones bill at least twice and Starter trials end inside the history
              else $3::timestamptz + make_interval(
                     months => r_start % (case when status = 'past_due' or plan = 'starter' then ${months - 2} else ${months} end),
                     days => r_day % 28, secs => j % 86400)
         end as started_at
    from typed t
), trialed as materialized (
  select t.*,
         case when plan = 'starter' or status = 'trialing' then started_at end as trial_start,
         case when plan = 'starter' or status = 'trialing' then started_at + interval '14 days' end as trial_end,
         status in ('active', 'past_due') or (status = 'canceled' and not (plan = 'starter' and r_life < 300)) as converted,
         case interval when 'year' then 12 else 1 end as step_months,
         case plan when 'pro' then case interval when 'year' then 10000 else 1000 end
                   when 'business' then case interval when 'year' then 20000 else 2000 end
                   else 500 end as unit_amount
    from timed t
), ended as (
  select t.*,
         case when plan = 'starter' then trial_end else started_at end as bill_start,
         case when status = 'incomplete_expired' then started_at + interval '23 hours'
              when status = 'canceled' and not converted then trial_end
              when status = 'canceled' then least(
                     case when plan = 'starter' then trial_end else started_at end
                       + make_interval(months => 1 + r_life % 12),
                     $2::timestamptz - interval '1 day')
         end as ended_at
    from trialed t
), changed as materialized (
  select e.*,
         e.bill_start + make_interval(months => 1 + r_change % 6, days => 3) as change_at,
         converted and interval = 'month' and r_change < 150
           and e.bill_start + make_interval(months => 1 + r_change % 6, days => 3) < coalesce(ended_at, $2::timestamptz)
           as changes
    from ended e
), seated as (
  select c.*,
         case when changes and r_change >= 100 then seats + 1 else seats end as seats_before,
         case when changes and r_change < 100 then seats + 1 else seats end as seats_after,
         case when status = 'incomplete_expired' then 1
              when not converted then 0
              else (select count(*) from generate_series(0, ${months}) as k
                     where c.bill_start + make_interval(months => k * c.step_months) < coalesce(c.ended_at, $2::timestamptz))
         end::int as invoice_count
    from changed c
)
select s.*,
       bench_mrr(interval, unit_amount * seats_before, abroad) as mrr_before,
       bench_mrr(interval, unit_amount * seats_after, abroad) as mrr_after
  from seated s`;
}

// The README's MRR of a subscription: brought to a month (yearly ÷ 12, half up), less its GST.
const MRR_FUNCTION = `
create function bench_mrr(billing_interval text, gross bigint, abroad boolean) returns bigint
  language sql immutable parallel safe
  as $$ select m - case when abroad then 0 else round(m * 10 / 110.0)::bigint end
          from (select case when billing_interval = 'year' then round(gross / 12.0)::bigint else gross end as m) as monthly $$`;

/** bench_invoices: one row per invoice, with its charges, refund and dispute decided. $1 = now. */
const PLAN_INVOICES = `
create unlogged table bench_invoices as
with billed as (
  select s.j, k, s.j * 64 + k as n,
         'in_' || s.j || '_' || k as id,
         'cus_' || s.j as customer_id,
         'user_' || lpad(s.j::text, 7, '0') as user_id,
         'sub_' || s.j as subscription_id,
         s.plan, s.interval, s.abroad,
         s.bill_start + make_interval(months => k * s.step_months) as period_start,
         s.bill_start + make_interval(months => (k + 1) * s.step_months) as period_end,
         s.unit_amount * case when s.changes and s.bill_start + make_interval(months => k * s.step_months) >= s.change_at
                              then s.seats_after else s.seats_before end as total,
         case when s.status = 'incomplete_expired' then 'void'
              when s.status = 'past_due' and k = s.invoice_count - 1 then 'open'
              else 'paid' end as status
    from bench_subscriptions s
    cross join lateral generate_series(0, s.invoice_count - 1) as k
), drawn as (
  select b.*,
         case when abroad then 0 else round(total * 10 / 110.0)::bigint end as tax,
         bench_draw(n, 11) as r_fail, bench_draw(n, 12) as r_refund, bench_draw(n, 13) as r_dispute
    from billed b
), charged as (
  select d.*,
         status <> 'paid' or r_fail < 40 as failed_first,
         case when status = 'open' and period_start + interval '3 days' < $1::timestamptz
              then period_start + interval '3 days' end as failed_again_at,
         case when status <> 'paid' then null
              when r_fail < 40 then period_start + make_interval(days => 1 + r_fail % 6, hours => r_refund % 24)
              else period_start + make_interval(mins => 1 + r_fail % 30) end as paid_at,
         case when abroad then round(total * 0.029)::bigint + 30 else round(total * 0.0175)::bigint + 30 end as fee
    from drawn d
), settled as (
  select c.*,
         case when status = 'paid' and r_refund < 20 then case when r_refund < 10 then total else total / 2 end end as refund_amount,
         status = 'paid' and r_refund >= 20 and r_dispute = 0 as disputed,
         -- nothing after now: a late refund or dispute of a recent payment is moved to just before it
         least(paid_at + make_interval(days => 1 + r_refund % 10), greatest(paid_at, $1::timestamptz - interval '1 minute')) as refund_at,
         least(paid_at + interval '12 days', greatest(paid_at, $1::timestamptz - interval '1 minute')) as dispute_at
    from charged c
)
select s.*, case when refund_amount is not null and r_refund > 0 then refund_amount else 0 end as refunded_amount
  from settled s`;

function insertCustomers(table: string): string {
  return `
insert into ${table} (stripe_customer_id, user_id, email, name, address, tax_id_type, tax_id_value, currency,
                      balance, default_payment_method_id, deleted, created_at, updated_at, watermark, version)
select 'cus_' || j, 'user_' || lpad(j::text, 7, '0'), 'customer' || j || '@example.com.au', 'Customer ' || j,
       case when abroad
            then '{"line1":"1 Queen St","line2":null,"city":"Auckland","state":null,"postalCode":"1010","country":"NZ"}'
            else '{"line1":"1 George St","line2":null,"city":"Sydney","state":"NSW","postalCode":"2000","country":"AU"}' end,
       null, null, 'aud', 0, 'pm_' || j, false, started_at - interval '1 minute', started_at, 1, 1
  from bench_subscriptions
 order by bench_subscriptions.started_at`;
}

/** $1 = now, $2 = the cancellation reason of signups whose first payment was declined. */
function insertSubscriptions(table: string): string {
  return `
insert into ${table} (stripe_subscription_id, stripe_customer_id, user_id, status, plan_id, stripe_price_id, interval,
                      quantity, amount, currency, current_period_start, current_period_end, cancel_at_period_end,
                      cancel_at, canceled_at, ended_at, trial_start, trial_end, paused_collection, past_due_since,
                      grace_extended_until, latest_invoice_id, downgrade_until, downgrade_from_plan_id,
                      cancellation_reason, cancellation_feedback, created_at, updated_at, watermark, version)
select 'sub_' || j, 'cus_' || j, 'user_' || lpad(j::text, 7, '0'), status, plan,
       'price_' || plan || '_' || interval, interval, seats_after, unit_amount, 'aud',
       case when invoice_count > 0 then bill_start + make_interval(months => (invoice_count - 1) * step_months)
            else started_at end,
       case when invoice_count > 0 then bill_start + make_interval(months => invoice_count * step_months)
            else coalesce(trial_end, started_at + interval '1 day') end,
       status = 'active' and r_life < 50,
       null,
       case when status = 'canceled' then ended_at when status = 'active' and r_life < 50 then $1::timestamptz - interval '2 days' end,
       ended_at, trial_start, trial_end, null,
       case when status = 'past_due' then bill_start + make_interval(months => (invoice_count - 1) * step_months) end,
       null,
       case when invoice_count > 0 then 'in_' || j || '_' || (invoice_count - 1) end,
       null, null,
       case when status = 'incomplete_expired' then $2
            when status = 'canceled' then 'cancellation_requested' end,
       null, started_at, coalesce(ended_at, started_at), 1, 1
  from bench_subscriptions
 order by bench_subscriptions.started_at`;
}

function insertInvoices(table: string): string {
  return `
insert into ${table} (stripe_invoice_id, stripe_customer_id, user_id, stripe_subscription_id, number, status,
                      billing_reason, currency, subtotal, tax, total, amount_due, amount_paid, amount_remaining,
                      attempt_count, next_payment_attempt, hosted_invoice_url, invoice_pdf, period_start, period_end,
                      created_at, finalized_at, paid_at, voided_at, gst_paid, service_start_ms, service_days, watermark)
select id, customer_id, user_id, subscription_id, 'BK-' || j || '-' || lpad(k::text, 4, '0'), status,
       case when k = 0 then 'subscription_create' else 'subscription_cycle' end, 'aud',
       total, tax, total, total,
       case when status = 'paid' then total else 0 end,
       case when status = 'open' then total else 0 end,
       case when failed_first then 1 + (failed_again_at is not null)::int + (status = 'paid')::int else 1 end,
       case when status = 'open' then period_start + interval '5 days' end,
       'https://invoice.stripe.com/i/' || id, 'https://pay.stripe.com/invoice/' || id || '/pdf',
       -- Stripe's invoice period is the previous one; the service period is on the line
       period_start, period_start, period_start, period_start + interval '1 hour' - interval '1 minute',
       paid_at,
       case when status = 'void' then period_start + interval '23 hours' end,
       -- what the invoice repository writes with each invoice (migration 4): gstShare(tax, total,
       -- amount paid), which is the tax when paid in full, and the line's service period
       case when status = 'paid' then tax else 0 end,
       (extract(epoch from period_start) * 1000)::bigint,
       floor(extract(epoch from period_end - period_start) / 86400)::bigint,
       1
  from bench_invoices
 order by bench_invoices.period_start`;
}

function insertInvoiceLines(table: string): string {
  return `
insert into ${table} (stripe_invoice_id, position, stripe_line_id, description, amount, quantity, proration, tax,
                      stripe_price_id, period_start, period_end)
select id, 0, 'il_' || j || '_' || k,
       initcap(plan) || case when interval = 'year' then ' (yearly)' else ' (monthly)' end,
       total, total / case plan when 'pro' then case interval when 'year' then 10000 else 1000 end
                               when 'business' then case interval when 'year' then 20000 else 2000 end
                               else 500 end,
       false, tax, 'price_' || plan || '_' || interval, period_start, period_end
  from bench_invoices
 order by bench_invoices.period_start`;
}

/** The charge that paid each paid invoice, and the failed ones before it (or instead of it). */
function insertPayments(table: string): string {
  const columns = `stripe_charge_id, stripe_payment_intent_id, stripe_customer_id, user_id, stripe_invoice_id, status,
                   amount, currency, fee, net, amount_refunded, refunded, disputed, failure_code, failure_message,
                   brand, last4, created_at, watermark`;
  return `
insert into ${table} (${columns})
select 'ch_' || j || '_' || k, 'pi_' || j || '_' || k, customer_id, user_id, id, 'succeeded',
       total, 'aud', fee, total - fee, refunded_amount, refunded_amount = total, disputed,
       null, null, 'visa', '4242', paid_at as created_at, 1
  from bench_invoices where status = 'paid'
union all
select 'ch_' || j || '_' || k || '_f1', 'pi_' || j || '_' || k, customer_id, user_id, id, 'failed',
       total, 'aud', null, null, 0, false, false,
       'card_declined', 'Your card was declined.', 'visa', '0341', period_start + interval '1 hour', 1
  from bench_invoices where failed_first
union all
select 'ch_' || j || '_' || k || '_f2', 'pi_' || j || '_' || k, customer_id, user_id, id, 'failed',
       total, 'aud', null, null, 0, false, false,
       'insufficient_funds', 'Your card has insufficient funds.', 'visa', '0341', failed_again_at, 1
  from bench_invoices where failed_again_at is not null
 order by created_at`;
}

function insertRefunds(table: string): string {
  return `
insert into ${table} (stripe_refund_id, stripe_charge_id, stripe_customer_id, user_id, amount, currency, status,
                      reason, created_at, watermark, stripe_invoice_id, tax, actor, note)
select 're_' || j || '_' || k, 'ch_' || j || '_' || k, customer_id, user_id, refund_amount, 'aud',
       case when r_refund = 0 then 'failed' else 'succeeded' end,
       'requested_by_customer', refund_at, 1, id,
       case when total > 0 and tax > 0 then round(tax * refund_amount / total::numeric)::bigint else 0 end,
       case when r_refund % 2 = 0 then 'admin:ann' end, null
  from bench_invoices where refund_amount is not null
 order by refund_at`;
}

function insertDisputes(table: string): string {
  return `
insert into ${table} (stripe_dispute_id, stripe_charge_id, user_id, amount, currency, status, reason,
                      evidence_due_by, created_at, watermark, evidence_submission_count, closed_at)
select 'dp_' || j || '_' || k, 'ch_' || j || '_' || k, user_id, total, 'aud',
       case n % 3 when 0 then 'lost' when 1 then 'won' else 'needs_response' end, 'fraudulent',
       dispute_at + interval '21 days', dispute_at, 1,
       case when n % 3 = 2 then 0 else 1 end,
       case when n % 3 = 2 then null else paid_at + interval '60 days' end
  from bench_invoices where disputed
 order by dispute_at`;
}

/** The ledger: new at the first payment, one seat more or less, churn at the end (in time order). */
function insertMrrMovements(table: string): string {
  return `
insert into ${table} (id, at, stripe_subscription_id, user_id, currency, mrr, delta, kind, customer_mrr, plan_id)
select 'mrr_' || j || '_new', bill_start as at, 'sub_' || j, 'user_' || lpad(j::text, 7, '0'), 'aud',
       mrr_before, mrr_before, 'new', mrr_before, plan
  from bench_subscriptions where converted
union all
select 'mrr_' || j || '_change', change_at, 'sub_' || j, 'user_' || lpad(j::text, 7, '0'), 'aud',
       mrr_after, mrr_after - mrr_before, case when mrr_after > mrr_before then 'expansion' else 'contraction' end,
       mrr_after, plan
  from bench_subscriptions where changes and mrr_after <> mrr_before
union all
select 'mrr_' || j || '_churn', ended_at, 'sub_' || j, 'user_' || lpad(j::text, 7, '0'), 'aud',
       0, -mrr_after, 'churn', 0, plan
  from bench_subscriptions where converted and status = 'canceled'
 order by at`;
}
