// Decodes Stripe's request encoding (`a[b][0][c]=v`, as stripe-node and curl send it) into nested
// objects and arrays. Every leaf stays a string: the resource handlers coerce and validate.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** Parses an `application/x-www-form-urlencoded` body or a query string. */
export function decodeForm(text: string): FormObject {
  const root: FormObject = {};
  if (!text) return root;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeComponent(rawKey);
    const value = decodeComponent(rawValue);
    assign(root, splitKey(key), value);
  }
  return finalizeArrays(root) as FormObject;
}

function decodeComponent(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const parts = [key.slice(0, first)];
  const pattern = /\[([^\]]*)\]/g;
  for (let match = pattern.exec(key); match; match = pattern.exec(key)) {
    parts.push(match[1] ?? '');
  }
  return parts;
}

type Node = { [key: string]: Node | string } & { __append?: number };

function assign(target: FormObject, path: string[], value: string): void {
  let node = target as unknown as Node;
  for (let i = 0; i < path.length; i++) {
    let part = path[i]!;
    if (part === '') {
      // `expand[]=a&expand[]=b`: append in order.
      const next = node.__append ?? 0;
      node.__append = next + 1;
      part = String(next);
    }
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const child = node[part];
    if (child === undefined || typeof child === 'string') {
      node[part] = {} as Node;
    }
    node = node[part] as Node;
  }
}

function finalizeArrays(node: unknown): FormValue {
  if (typeof node === 'string') return node;
  const obj = node as Node;
  delete obj.__append;
  const keys = Object.keys(obj);
  const isArray = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (isArray) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finalizeArrays(obj[String(k)]));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = finalizeArrays(obj[k]);
  return out;
}
