// Maps `METHOD /v1/...` to a resource handler, and renders what handlers return the way Stripe
// does: `expand[]` resolved, includable fields hidden unless expanded, lists paginated.

import type { SimContext } from '../engine/context.js';
import { render } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import type { Params } from './params.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteContext {
  sim: SimContext;
  /** The request's parameters: the form body for POST, the query string for GET and DELETE. */
  params: Params;
  /** Named segments of the path pattern (`:id`). */
  path: Record<string, string>;
  expand: string[];
}

export type Handler = (ctx: RouteContext) => unknown;

export interface Route {
  method: Method;
  pattern: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern.replace(/:([a-z_]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      this.routes.push({ ...route, regex: new RegExp(`^${source}$`), names });
    }
  }

  match(method: string, path: string): { route: CompiledRoute; path: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, path: params };
    }
    return null;
  }

  /** True if some route has this path with another method (for Stripe's "unrecognized" errors). */
  knowsPath(path: string): boolean {
    return this.routes.some((route) => route.regex.test(path));
  }
}

export interface ListResult<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * One page of a list, newest first, with Stripe's `limit` (1..100, default 10), `starting_after`
 * and `ending_before` cursors, and optional `created` filters.
 */
export function paginate<T extends { id: string; created?: number }>(
  ctx: RouteContext,
  items: T[],
  url: string,
): ListResult<T> {
  const { params } = ctx;
  const limit = params.optionalInt('limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = params.optionalString('starting_after');
  const endingBefore = params.optionalString('ending_before');
  const created = params.optionalObject('created');
  let rows = [...items].reverse();
  if (created) {
    const gt = created.optionalInt('gt');
    const gte = created.optionalInt('gte');
    const lt = created.optionalInt('lt');
    const lte = created.optionalInt('lte');
    created.done();
    rows = rows.filter((row) => {
      const c = row.created ?? 0;
      return (
        (gt === undefined || c > gt) &&
        (gte === undefined || c >= gte) &&
        (lt === undefined || c < lt) &&
        (lte === undefined || c <= lte)
      );
    });
  } else if (params.has('created') && /^\d+$/.test(String(params.value('created')))) {
    const exact = Number(params.value('created'));
    rows = rows.filter((row) => row.created === exact);
  }
  if (startingAfter) {
    const index = rows.findIndex((row) => row.id === startingAfter);
    if (index === -1)
      throw invalidRequest(`No such object: '${startingAfter}'`, 'starting_after', 'resource_missing');
    const page = rows.slice(index + 1, index + 1 + limit);
    return { object: 'list', data: page, has_more: index + 1 + limit < rows.length, url };
  }
  if (endingBefore) {
    const index = rows.findIndex((row) => row.id === endingBefore);
    if (index === -1)
      throw invalidRequest(`No such object: '${endingBefore}'`, 'ending_before', 'resource_missing');
    const start = Math.max(0, index - limit);
    return { object: 'list', data: rows.slice(start, index), has_more: start > 0, url };
  }
  return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url };
}

/** Renders a handler's result: a Stripe object or a list, with `expand[]` applied. */
export function renderResult(sim: SimContext, result: unknown, expand: string[]): unknown {
  if (!result || typeof result !== 'object') return result;
  const value = result as Record<string, unknown>;
  if (value.object === 'list' && Array.isArray(value.data)) {
    const itemPaths = expand.filter((p) => p.startsWith('data.')).map((p) => p.slice(5));
    return { ...value, data: value.data.map((item) => renderResult(sim, item, itemPaths)) };
  }
  if (value.object === 'search_result' && Array.isArray(value.data)) {
    const itemPaths = expand.filter((p) => p.startsWith('data.')).map((p) => p.slice(5));
    return { ...value, data: value.data.map((item) => renderResult(sim, item, itemPaths)) };
  }
  const firstSegments = expand.map((p) => p.split('.')[0] ?? '');
  const out = render(value, firstSegments) as Record<string, unknown>;
  expandAll(
    sim,
    out,
    expand.map((p) => p.split('.')),
  );
  return out;
}

/**
 * Replaces ids with the objects they name, along every path at once: paths that share a head are
 * resolved together, so `a.b` and `a.c` both see the includable fields `b` and `c` of `a`.
 */
function expandAll(sim: SimContext, target: Record<string, unknown>, paths: string[][]): void {
  const byHead = new Map<string, string[][]>();
  for (const [head, ...rest] of paths) {
    if (!head) continue;
    const children = byHead.get(head) ?? [];
    if (rest.length > 0) children.push(rest);
    byHead.set(head, children);
  }
  for (const [head, children] of byHead) {
    if (!(head in target)) continue;
    const keep = children.map((c) => c[0]!);
    const expandOne = (value: unknown): unknown => {
      let resolved = value;
      if (typeof value === 'string') {
        const found = sim.store.find(value);
        if (!found) return value;
        resolved = render(found, keep);
      }
      if (children.length > 0 && resolved && typeof resolved === 'object') {
        const obj = resolved as Record<string, unknown>;
        if (obj.object === 'list' && Array.isArray(obj.data)) {
          const itemPaths = children.filter((c) => c[0] === 'data').map((c) => c.slice(1));
          obj.data = obj.data.map((item) => {
            const copy =
              typeof item === 'string' ? (sim.store.find(item) ? render(sim.store.find(item)) : item) : item;
            if (copy && typeof copy === 'object') expandAll(sim, copy as Record<string, unknown>, itemPaths);
            return copy;
          });
        } else {
          expandAll(sim, obj, children);
        }
      }
      return resolved;
    };
    const current = target[head];
    target[head] = Array.isArray(current) ? current.map(expandOne) : expandOne(current);
  }
}
