// Time is a port: domain code asks the injected clock, never Date.now(), so tests control it.

export interface Clock {
  now(): Date;
}

export function systemClock(): Clock {
  return { now: () => new Date() };
}

/** A clock that reads another source of Unix seconds, e.g. the Stripe simulator's clock. */
export function clockFromUnixSeconds(read: () => number): Clock {
  return { now: () => new Date(read() * 1000) };
}

export function toUnix(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function fromUnix(seconds: number): Date {
  return new Date(seconds * 1000);
}
