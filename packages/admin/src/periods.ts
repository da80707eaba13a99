// Calendar arithmetic in UTC: the months and quarters a range covers, and how they are named.
// Reports bucket by these; every range is [from, to).

import { parseInput } from '@billkit/core';
import { z } from 'zod';

export interface Period {
  /** 'YYYY-MM' for months, 'YYYY-Qn' for quarters. */
  label: string;
  from: Date;
  to: Date;
}

const dateInput = z.union([
  z.date(),
  z.iso.date().transform((day) => new Date(`${day}T00:00:00.000Z`)),
  z.iso.datetime({ offset: true }).transform((time) => new Date(time)),
]);

export const rangeSchema = z
  .object({
    from: dateInput,
    to: dateInput,
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'a three-letter ISO currency code')
      .transform((c) => c.toLowerCase())
      .optional(),
  })
  .refine((r) => !Number.isNaN(r.from.getTime()) && !Number.isNaN(r.to.getTime()), {
    message: 'from and to must be valid dates',
    path: ['from'],
  })
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 20 * 366 * 86_400_000, {
    message: 'a range is at most 20 years',
    path: ['to'],
  });

export type Range = z.infer<typeof rangeSchema>;

export function parseRange(input: unknown, operation: string): Range {
  return parseInput(rangeSchema, input, operation);
}

export function monthStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

export function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

export function monthLabel(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The calendar months overlapping [from, to), each clipped to the range. */
export function monthsOf(from: Date, to: Date): Period[] {
  return periodsOf(from, to, 1, monthLabel);
}

/** The calendar quarters (Jan–Mar is Q1) overlapping [from, to), each clipped to the range. */
export function quartersOf(from: Date, to: Date): Period[] {
  const quarterStart = (d: Date) =>
    new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1));
  const label = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  const periods: Period[] = [];
  for (let start = quarterStart(from); start < to; start = addMonths(start, 3)) {
    const end = addMonths(start, 3);
    periods.push({ label: label(start), from: max(start, from), to: min(end, to) });
  }
  return periods;
}

function periodsOf(from: Date, to: Date, step: number, label: (d: Date) => string): Period[] {
  const periods: Period[] = [];
  for (let start = monthStart(from); start < to; start = addMonths(start, step)) {
    const end = addMonths(start, step);
    periods.push({ label: label(start), from: max(start, from), to: min(end, to) });
  }
  return periods;
}

const max = (a: Date, b: Date) => (a > b ? a : b);
const min = (a: Date, b: Date) => (a < b ? a : b);

/** 'YYYY-MM-DD' of the last day inside [.., to): the day before `to` when `to` is a midnight. */
export function lastDayOf(period: { to: Date }): string {
  return new Date(period.to.getTime() - 1).toISOString().slice(0, 10);
}
