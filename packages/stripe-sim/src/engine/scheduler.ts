// Moves simulated time forward. Work that falls due on the way (renewals, trial ends, payment
// retries, notices) runs in time order, each at its own moment, so events carry the right `created`.

import type { SimContext } from './context.js';

export interface DueTask {
  at: number;
  /** Orders tasks due at the same second (lower first). */
  priority: number;
  run: () => void;
}

/** Something that knows which work falls due in a time domain (null = global clock). */
export type TaskSource = (sim: SimContext, domain: string | null) => DueTask[];

export class Scheduler {
  private readonly sources: TaskSource[] = [];

  addSource(source: TaskSource): void {
    this.sources.push(source);
  }

  /** Runs every task due up to `target` in order, then leaves the domain's clock at `target`. */
  advance(sim: SimContext, domain: string | null, target: number): number {
    let ran = 0;
    // A safety bound: a bug that keeps a task due forever must not hang the caller.
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.nextDue(sim, domain, target);
      if (!next) break;
      if (next.at > sim.now(domain)) sim.setTime(domain, next.at);
      next.run();
      ran += 1;
    }
    sim.setTime(domain, Math.max(target, sim.now(domain)));
    return ran;
  }

  private nextDue(sim: SimContext, domain: string | null, target: number): DueTask | undefined {
    let best: DueTask | undefined;
    for (const source of this.sources) {
      for (const task of source(sim, domain)) {
        if (task.at > target) continue;
        if (!best || task.at < best.at || (task.at === best.at && task.priority < best.priority)) best = task;
      }
    }
    return best;
  }
}
