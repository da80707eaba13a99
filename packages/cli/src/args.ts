// Command-line arguments: each command names its flags (with or without a value) and how many
// positional arguments it takes; anything else is a usage error, told in one line.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Takes a value (`--from 2026-01-01`); else a switch (`--repair`). */
  value?: boolean;
}

export interface Parsed {
  flags: Map<string, string | true>;
  positional: string[];
}

export function parseArgs(
  command: string,
  args: readonly string[],
  spec: Record<string, FlagSpec>,
  positional: { min: number; max: number } = { min: 0, max: 0 },
): Parsed {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const flag = spec[name];
    if (!flag) throw new UsageError(`Unknown option for billkit ${command}: --${name}`);
    if (!flag.value) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      flags.set(name, true);
      continue;
    }
    const value = inline ?? args[++index];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
    flags.set(name, value);
  }
  if (rest.length < positional.min || rest.length > positional.max) {
    throw new UsageError(
      rest.length > positional.max
        ? `Unexpected argument for billkit ${command}: ${rest[positional.max]}`
        : `billkit ${command} needs ${positional.min === 1 ? 'an argument' : `${positional.min} arguments`}.`,
    );
  }
  return { flags, positional: rest };
}

/** A day (2026-01-31) or a time (2026-01-31T10:00:00Z). */
export function dateFlag(parsed: Parsed, name: string, required: boolean): Date | undefined {
  const text = parsed.flags.get(name);
  if (text === undefined) {
    if (required) throw new UsageError(`--${name} is required (a date such as 2026-01-31).`);
    return undefined;
  }
  const date = new Date(String(text));
  if (!/^\d{4}-\d{2}-\d{2}/.test(String(text)) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--${name} takes a date such as 2026-01-31 (got ${JSON.stringify(text)}).`);
  }
  return date;
}

export function intFlag(
  parsed: Parsed,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  const text = parsed.flags.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(
      `--${name} takes a whole number from ${range.min} to ${range.max} (got ${JSON.stringify(text)}).`,
    );
  }
  return value;
}
