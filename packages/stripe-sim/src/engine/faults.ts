// Injected API faults: the next N calls of a route answer 429, 500, never answer (a timeout) or
// lose their connection (a reset), optionally after the change was applied, to test a caller's
// retries and idempotency.

export type FaultKind = 429 | 500 | 'timeout' | 'reset';

export interface ApiFault {
  /** HTTP method to match. @default any */
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path to match: exact (`/v1/subscriptions`), or a prefix ending in `*` (`/v1/invoices/*`). */
  path: string;
  /** What the call gets instead of its answer. */
  kind: FaultKind;
  /** How many matching calls fail. @default 1 */
  times?: number;
  /**
   * Apply the call before failing it, so the change happens but the caller never hears of it
   * (a lost response). @default false
   */
  afterApply?: boolean;
}

interface ActiveFault extends ApiFault {
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  inject(fault: ApiFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** The fault that applies to this call, counting it down. */
  take(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && pathMatches(f.path, path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}
