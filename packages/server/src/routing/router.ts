// A tiny router: method + path pattern with `:params`. Params are decoded and must match their
// pattern (a charset and a length), so garbage in a path is "no such route", never an error.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition<T> {
  method: Method;
  /** `/invoices/:invoiceId/pdf` */
  path: string;
  value: T;
}

export type RouteMatch<T> =
  | { kind: 'found'; value: T; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: Method[] }
  | { kind: 'not_found' };

/** What a param without a pattern of its own may hold: an id's charset, 1 to 255 characters. */
export const DEFAULT_PARAM_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

type Segment = { literal: string } | { param: string; pattern: RegExp };

interface CompiledRoute<T> {
  method: Method;
  segments: Segment[];
  value: T;
}

export interface Router<T> {
  match(method: string, path: string): RouteMatch<T>;
}

/**
 * Routes are tried in order: list a literal path (`/payment-methods/setup-intent`) before a
 * pattern that would also match it (`/payment-methods/:id`).
 */
export function createRouter<T>(
  routes: ReadonlyArray<RouteDefinition<T>>,
  paramPatterns: Readonly<Record<string, RegExp>> = {},
): Router<T> {
  const compiled = routes.map((route) => compile(route, paramPatterns));
  return {
    match(method, path) {
      const parts = splitPath(path);
      const allow = new Set<Method>();
      for (const route of compiled) {
        const params = matchSegments(route.segments, parts);
        if (!params) continue;
        if (route.method === method) return { kind: 'found', value: route.value, params };
        allow.add(route.method);
      }
      if (allow.size === 0) return { kind: 'not_found' };
      return { kind: 'method_not_allowed', allow: [...allow].sort() };
    },
  };
}

function compile<T>(route: RouteDefinition<T>, patterns: Readonly<Record<string, RegExp>>): CompiledRoute<T> {
  const segments = splitPath(route.path).map((part): Segment => {
    if (!part.startsWith(':')) return { literal: part };
    const param = part.slice(1);
    return { param, pattern: patterns[param] ?? DEFAULT_PARAM_PATTERN };
  });
  return { method: route.method, segments, value: route.value };
}

/** `/a/b/` → ['a', 'b']: one trailing slash is forgiven, an empty segment elsewhere is not. */
function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return null;
      continue;
    }
    const value = decode(part);
    if (value === null || !segment.pattern.test(value)) return null;
    params[segment.param] = value;
  }
  return params;
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
