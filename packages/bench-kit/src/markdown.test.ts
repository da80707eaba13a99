import { describe, expect, it } from 'vitest';
import type { BenchReport } from './figures.js';
import { renderBenchmarks } from './markdown.js';

const webhooks: BenchReport = {
  title: 'Webhooks',
  package: '@billkit/store-sql',
  description: 'Verified events applied through the route, against verify + parse + one raw INSERT.',
  environment: { PostgreSQL: '15.19' },
  figures: [
    {
      id: 'raw',
      name: 'raw INSERT (PostgreSQL)',
      unit: 'events/s',
      better: 'higher',
      runs: [4000, 4100, 3900, 4050, 3950],
    },
    {
      id: 'pg',
      name: 'webhook route (PostgreSQL)',
      unit: 'events/s',
      better: 'higher',
      runs: [2400, 2500, 2300, 2450, 2350],
      baseline: 'raw',
      target: { on: 'ratio', atLeast: 0.5, text: 'webhook apply ≥ 50 % of the raw baseline on PostgreSQL' },
    },
    { id: 'rss', name: 'peak RSS', unit: 'MB', better: 'lower', runs: [180.4] },
  ],
  skipped: ['MySQL: not asked for'],
};

describe('BENCHMARKS.md', () => {
  const page = renderBenchmarks({
    reports: [webhooks],
    machine: { CPU: 'Test CPU × 2', Node: 'v20.20.2' },
    date: new Date('2026-11-29T08:00:00Z'),
    runs: 5,
    failures: [{ bench: '@billkit/admin', reason: 'exited with 1 (its output shows why)' }],
  });

  it('names the machine, the Node version, the date and the number of runs', () => {
    expect(page).toContain('| CPU | Test CPU × 2 |');
    expect(page).toContain('| Node | v20.20.2 |');
    expect(page).toContain('| Date | 2026-11-29T08:00:00.000Z |');
    expect(page).toContain('median of 5 timed runs');
  });

  it('gives each figure its median, min – max and ratio to the baseline of the same run', () => {
    expect(page).toContain(
      '| webhook route (PostgreSQL) | 2,400 events/s | 2,300 – 2,500 | 0.60× raw INSERT (PostgreSQL) | **pass**: webhook apply ≥ 50 % of the raw baseline on PostgreSQL |',
    );
    expect(page).toContain('| peak RSS | 180 MB | — |  |  |');
  });

  it('lists the targets first, and what did not run or was skipped', () => {
    const targets = page.indexOf('## Targets');
    expect(targets).toBeGreaterThan(0);
    expect(targets).toBeLessThan(page.indexOf('## Webhooks'));
    expect(page).toContain(
      '| webhook apply ≥ 50 % of the raw baseline on PostgreSQL | Webhooks: webhook route (PostgreSQL) | 0.60× (2,400 events/s vs 4,000 events/s) | pass |',
    );
    expect(page).toContain('- @billkit/admin: exited with 1 (its output shows why)');
    expect(page).toContain('- Skipped: MySQL: not asked for');
    expect(page).toContain('PostgreSQL: 15.19.');
  });
});
