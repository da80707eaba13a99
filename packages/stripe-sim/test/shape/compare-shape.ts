// The shape check: compares an object the simulator returned with Stripe's published example object
// of its resource (/work/shared/stripe/fixtures3.json). Only KEYS and JSON TYPES are compared: the
// fixture's values are placeholders.
//
// Rules:
// - objects: the same set of keys. A fixture key the actual object lacks is `missing`; a key the
//   fixture lacks is `extra` (not descended into). Each shared key is compared recursively.
// - types: the JSON type (null, string, number, boolean, array, object) must match. Integers and
//   decimals are both `number`.
// - null: a null fixture value says nothing about the type, so any actual value is accepted; a null
//   actual value is accepted wherever the fixture has a value (many fields are nullable).
// - arrays: every actual item is compared with the fixture's first item; an empty fixture array
//   accepts any array.
// - expandable fields: a string id in the fixture matched by an object with an `id` (the field was
//   expanded), or an object with an `id` in the fixture matched by a string (not expanded), is fine.
//   The expanded object itself is not compared here (compare it with its own resource's fixture).
// - free-form objects (`metadata`, an event's `previous_attributes`, ...): the value must be an
//   object, its keys are not compared. See DEFAULT_FREE_FORM_PATHS.
//
// Paths use dots for keys and `[n]` for array items (`lines.data[0].period.end`); the patterns of
// free-form paths and of known differences use `[]` for any item (`lines.data[].metadata`).

export type ShapeFindingKind = 'missing' | 'extra' | 'type';

export interface ShapeFinding {
  /** Where, e.g. `lines.data[0].pricing.type` (`''` is the object itself). */
  path: string;
  kind: ShapeFindingKind;
  /** The fixture's JSON type at that path (`(absent)` for an extra key). */
  expected: string;
  /** The actual JSON type at that path (`(absent)` for a missing key). */
  actual: string;
}

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object' | 'undefined';

export interface CompareShapeOptions {
  /**
   * Paths whose value is a free-form object (its keys are not compared). Patterns: dot-separated
   * segments, `[]` for any array item, `*` for any single key. @default DEFAULT_FREE_FORM_PATHS
   */
  freeFormPaths?: readonly string[];
}

/**
 * Objects whose keys are the caller's, not Stripe's: every `metadata` hash (at any depth, including
 * `lines.data[].metadata` and `items.data[].metadata`) and an event's `data.previous_attributes` (a
 * partial copy of the object before the change).
 */
export const DEFAULT_FREE_FORM_PATHS: readonly string[] = ['**.metadata', 'data.previous_attributes'];

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

/** `lines.data[3].period` → `lines.data[].period`: the form patterns are written in. */
export function normalizePath(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

function segments(path: string): string[] {
  // `lines.data[].metadata` → ['lines', 'data', '[]', 'metadata']
  return path
    .replace(/\[\]/g, '.[]')
    .split('.')
    .filter((segment) => segment !== '');
}

/**
 * Whether `path` (concrete or normalized) matches `pattern`: segments are compared one by one, `*`
 * matches any single key, `[]` any array item, and a leading `**.` any prefix (including none).
 */
export function pathMatches(pattern: string, path: string): boolean {
  const target = segments(normalizePath(path));
  if (pattern.startsWith('**.')) {
    const tail = segments(pattern.slice(3));
    if (tail.length > target.length) return false;
    return segmentsMatch(tail, target.slice(target.length - tail.length));
  }
  const expected = segments(pattern);
  return expected.length === target.length && segmentsMatch(expected, target);
}

function segmentsMatch(pattern: string[], target: string[]): boolean {
  return pattern.every((segment, i) => segment === target[i] || (segment === '*' && target[i] !== '[]'));
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return jsonType(value) === 'object';
}

function hasId(value: unknown): boolean {
  return isPlainObject(value) && typeof value.id === 'string';
}

/** Compares `actual` with `fixture` by keys and JSON types; returns every difference found. */
export function compareShape(
  actual: unknown,
  fixture: unknown,
  path = '',
  options: CompareShapeOptions = {},
): ShapeFinding[] {
  const freeForm = options.freeFormPaths ?? DEFAULT_FREE_FORM_PATHS;
  const findings: ShapeFinding[] = [];
  walk(actual, fixture, path, freeForm, findings);
  return findings;
}

function walk(
  actual: unknown,
  fixture: unknown,
  path: string,
  freeForm: readonly string[],
  findings: ShapeFinding[],
): void {
  const expected = jsonType(fixture);
  const got = jsonType(actual);
  if (expected === 'null' || got === 'null') return;
  if (expected === 'string' && got === 'object' && hasId(actual)) return; // expanded
  if (expected === 'object' && got === 'string' && hasId(fixture)) return; // not expanded
  if (expected !== got) {
    findings.push({ path, kind: 'type', expected, actual: got });
    return;
  }
  if (expected === 'array') {
    const items = fixture as unknown[];
    if (items.length === 0) return;
    (actual as unknown[]).forEach((item, i) => {
      walk(item, items[0], `${path}[${i}]`, freeForm, findings);
    });
    return;
  }
  if (expected !== 'object') return;
  if (path !== '' && freeForm.some((pattern) => pathMatches(pattern, path))) return;
  const want = fixture as Record<string, unknown>;
  const have = actual as Record<string, unknown>;
  for (const key of Object.keys(want)) {
    const child = join(path, key);
    if (have[key] === undefined) {
      findings.push({ path: child, kind: 'missing', expected: jsonType(want[key]), actual: '(absent)' });
    } else {
      walk(have[key], want[key], child, freeForm, findings);
    }
  }
  for (const key of Object.keys(have)) {
    if (key in want || have[key] === undefined) continue;
    findings.push({
      path: join(path, key),
      kind: 'extra',
      expected: '(absent)',
      actual: jsonType(have[key]),
    });
  }
}

/** One line per finding, for test failure messages. */
export function formatFindings(findings: readonly ShapeFinding[], label = ''): string {
  return findings
    .map((f) => {
      const where = `${label}${label && f.path ? '.' : ''}${f.path || (label ? '' : '(root)')}`;
      switch (f.kind) {
        case 'missing':
          return `  missing  ${where}  (fixture has ${f.expected})`;
        case 'extra':
          return `  extra    ${where}  (simulator sends ${f.actual}; fixture has no such key)`;
        default:
          return `  type     ${where}  (fixture ${f.expected}, simulator ${f.actual})`;
      }
    })
    .join('\n');
}
