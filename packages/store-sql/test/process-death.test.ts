// Process death: a host process (process-death-host.ts) is killed with SIGKILL in the middle of
// applying a webhook event (inside its transaction, before commit) and in the middle of flushing
// the notification outbox (after the mail provider took a message, before the outbox heard). A
// new process on the same database takes over: Stripe's retried deliveries are applied, the
// outbox is flushed. Afterwards the database equals the one a host that never died keeps through
// the same story (nothing lost, nothing applied twice), every message reached the mail provider
// once (the killed send was repeated under its idempotency key and not sent again), and reconcile
// finds no difference. On a SQLite file and on PostgreSQL.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { storeFromUrl } from '../src/database-url.js';
import { postgresTestDatabase } from '../src/dialects/test-databases.js';

const hostScript = fileURLToPath(new URL('./process-death-host.ts', import.meta.url));
const directory = await mkdtemp(join(tmpdir(), 'billkit-process-death-'));
// A schema each for the story that never dies and the one that does.
const postgres = await postgresTestDatabase();
const postgresToo = await postgresTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), postgresToo.drop()]);
  await rm(directory, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Host {
  child: ChildProcess;
  /** Resolves with the crash point the host reached. */
  crashed: Promise<string>;
  post(path: string, body?: unknown): Promise<any>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

interface Story {
  sim: StripeSim;
  databaseUrl: string;
  mailbox: string;
  /** The simulator's time, for the host's clock. */
  clockFile: string;
  /** Writes the simulator's time to the clock file. */
  tick(): Promise<void>;
  port: number;
  secret: string;
  apiBase: string;
  stopSim(): Promise<void>;
}

async function story(name: string, databaseUrl: string): Promise<Story> {
  const sim = createStripeSim();
  const listening = await sim.listen();
  const port = await freePort();
  const { secret } = await sim.webhooks.addEndpoint(`http://127.0.0.1:${port}/webhooks/stripe`);
  const mailbox = join(directory, `${name}-mail`);
  await mkdir(mailbox, { recursive: true });
  const clockFile = join(directory, `${name}-clock`);
  const tick = () => writeFile(clockFile, String(sim.clock.now()));
  await tick();
  return {
    sim,
    databaseUrl,
    mailbox,
    clockFile,
    tick,
    port,
    secret,
    apiBase: listening.url,
    stopSim: () => listening.close(),
  };
}

async function startHost(
  s: Story,
  options: { crashAt?: 'apply' | 'flush'; clockOffsetMs?: number } = {},
): Promise<Host> {
  const child = spawn(process.execPath, ['--conditions=@billkit/source', '--import', 'tsx', hostScript], {
    env: {
      ...process.env,
      DATABASE_URL: s.databaseUrl,
      STRIPE_API_BASE: s.apiBase,
      CLOCK_FILE: s.clockFile,
      WEBHOOK_SECRET: s.secret,
      PORT: String(s.port),
      MAILBOX: s.mailbox,
      CRASH_AT: options.crashAt ?? 'none',
      CLOCK_OFFSET_MS: String(options.clockOffsetMs ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    errors += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = match.exec(output);
        if (found) resolve(found[1] ?? found[0]);
      };
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        look();
      });
      exited.then(() => reject(new Error(`host exited before ${match}: ${errors}`)));
    });
  const crashed = lines(/CRASH_POINT (\w+)/);
  crashed.catch(() => {});
  await lines(/READY/);
  return {
    child,
    crashed,
    async post(path, body = {}) {
      const response = await fetch(`http://127.0.0.1:${s.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What the database holds, without ids and times (which differ between two simulators). */
async function snapshot(databaseUrl: string) {
  const store = storeFromUrl(databaseUrl);
  try {
    const all = async <T>(
      list: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
    ) => {
      const items: T[] = [];
      let after: string | null = null;
      do {
        const page = await list(after);
        items.push(...page.items);
        after = page.nextCursor;
      } while (after !== null);
      return items;
    };
    const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
    const audit = await all((after) => store.audit.list({ limit: 500, after }));
    const actions: Record<string, number> = {};
    // Each host process syncs the catalog when it starts: the crashed story starts more of them.
    for (const entry of audit.filter((e) => e.action !== 'catalog.synced')) {
      actions[entry.action] = (actions[entry.action] ?? 0) + 1;
    }
    return {
      customers: sorted(
        (await all((after) => store.customers.list({ limit: 100, after }))).map((c) => [c.userId, c.email]),
      ),
      subscriptions: sorted(
        (await all((after) => store.subscriptions.list({ limit: 100, after }))).map((s) => [
          s.userId,
          s.status,
          s.amount,
        ]),
      ),
      invoices: sorted(
        (await all((after) => store.invoices.list({ limit: 100, after }))).map((i) => [
          i.userId,
          i.status,
          i.billingReason,
          i.total,
          i.amountPaid,
          i.lines.length,
        ]),
      ),
      payments: sorted(
        (await all((after) => store.payments.list({ limit: 100, after }))).map((p) => [p.status, p.amount]),
      ),
      outbox: sorted(
        (await all((after) => store.outbox.list({ limit: 100, after }))).map((m) => [m.kind, m.status]),
      ),
      mrr: sorted(
        (await all((after) => store.mrr.list({ limit: 100, after }))).map((m) => [
          m.userId,
          m.kind,
          m.delta,
          m.mrr,
        ]),
      ),
      actions,
    };
  } finally {
    await store.close();
  }
}

async function mail(mailbox: string) {
  const files = (await readdir(mailbox)).filter((file) => file !== 'attempts.log');
  const keys = await Promise.all(
    files.map(async (file) => JSON.parse(await readFile(join(mailbox, file), 'utf8')).key),
  );
  const attempts = (await readFile(join(mailbox, 'attempts.log'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean);
  return { keys: keys.sort(), attempts };
}

/**
 * One user subscribes; a month passes (the renewal's webhooks); the outbox is flushed. With
 * `crash`, the host dies applying the renewal's first event and again flushing, and a new one
 * takes over each time.
 */
async function run(s: Story, crash: boolean) {
  const first = await startHost(s);
  await first.post('/subscribe', { userId: 'user_1' });
  await s.sim.webhooks.flush();
  await first.stop();

  const renewing = await startHost(s, crash ? { crashAt: 'apply' } : {});
  const advancing = s.sim.clock.advance({ months: 1, days: 1 });
  if (crash) {
    expect(await renewing.crashed).toBe('apply');
    await renewing.kill();
  }
  await advancing;
  await s.sim.webhooks.flush();
  await s.tick();
  let flushing = renewing;
  if (crash) {
    flushing = await startHost(s, { crashAt: 'flush' });
    // Stripe retries the deliveries the dead process never answered (after its 1 s lease).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await s.sim.webhooks.retryFailed();
    await s.sim.webhooks.flush();
    const flushed = flushing.post('/flush').catch(() => null);
    expect(await flushing.crashed).toBe('flush');
    await flushing.kill();
    await flushed;
    // The next process starts after the dead one's outbox lease (60 s) ran out.
    flushing = await startHost(s, { clockOffsetMs: 120_000 });
  }
  await flushing.post('/flush');
  const reconciled = await flushing.post('/reconcile');
  await flushing.stop();
  return reconciled as { differences: unknown[] };
}

const sqliteFile = (name: string) => `sqlite:${join(directory, `${name}.db`)}`;
const targets = [
  { name: 'SQLite file', urls: [sqliteFile('control'), sqliteFile('crashed')], skip: undefined },
  { name: 'PostgreSQL', urls: [postgres.url, postgresToo.url], skip: postgres.skip ?? postgresToo.skip },
];

describe.each(targets)('killed mid-work on $name', ({ name, urls, skip }) => {
  it.skipIf(skip !== undefined)(
    `loses nothing and applies and sends nothing twice${skip ? ` (skipped: ${skip})` : ''}`,
    { timeout: 120_000 },
    async () => {
      const control = await story(`${name}-control`, urls[0]!);
      const crashed = await story(`${name}-crashed`, urls[1]!);

      const calm = await run(control, false);
      const recovered = await run(crashed, true);

      expect(calm.differences).toEqual([]);
      expect(recovered.differences).toEqual([]);
      const [expected, actual] = [await snapshot(control.databaseUrl), await snapshot(crashed.databaseUrl)];
      expect(actual).toEqual(expected);
      expect(expected.invoices).toHaveLength(2); // the first month's and the renewal's
      expect(actual.outbox.every((row) => row.includes('"sent"'))).toBe(true);

      const [calmMail, recoveredMail] = [await mail(control.mailbox), await mail(crashed.mailbox)];
      expect(recoveredMail.keys).toHaveLength(expected.outbox.length);
      expect(new Set(recoveredMail.keys).size).toBe(recoveredMail.keys.length);
      expect(recoveredMail.keys.length).toBe(calmMail.keys.length);
      // The send the kill interrupted was tried again, and the provider did not send it again.
      const tries = new Map<string, number>();
      for (const key of recoveredMail.attempts) tries.set(key, (tries.get(key) ?? 0) + 1);
      expect([...tries.values()].filter((count) => count === 2)).toHaveLength(1);
      await Promise.all([control.stopSim(), crashed.stopSim()]);
    },
  );
});
