// The simulator's object store: every Stripe object by id, in creation order per object type.
// Objects are kept in their full API shape; `render` hides the fields Stripe only sends on expand.

import { randomBytes } from 'node:crypto';
import { resourceMissing } from '../errors.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe-looking ids: a prefix and 24 base62 characters (`cus_Qx3...`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

/** Fields Stripe omits unless the request expands them ("includable" fields). */
export const INCLUDABLE: Record<string, readonly string[]> = {
  customer: ['sources', 'subscriptions', 'tax_ids', 'cash_balance', 'invoice_credit_balance'],
  invoice: ['confirmation_secret', 'payments'],
  charge: ['refunds'],
  coupon: ['applies_to', 'currency_options'],
  price: ['currency_options', 'tiers'],
};

/** Human names Stripe uses in "No such ..." messages, by id prefix. */
const NAMES: Record<string, string> = {
  cus: 'customer',
  pm: 'PaymentMethod',
  seti: 'setupintent',
  prod: 'product',
  price: 'price',
  sub: 'subscription',
  si: 'subscription item',
  in: 'invoice',
  ii: 'invoiceitem',
  pi: 'payment_intent',
  ch: 'charge',
  re: 'refund',
  dp: 'dispute',
  du: 'dispute',
  txn: 'balance transaction',
  cbtxn: 'customer balance transaction',
  evt: 'event',
  we: 'webhook endpoint',
  txr: 'tax rate',
  promo: 'promotion code',
  clock: 'test clock',
  inpay: 'invoice payment',
};

export interface StoredObject {
  id: string;
  object: string;
  [key: string]: unknown;
}

export class ObjectStore {
  private readonly byId = new Map<string, StoredObject>();
  private readonly byType = new Map<string, string[]>();

  insert<T extends { id: string; object: string }>(object: T): T {
    this.byId.set(object.id, object as unknown as StoredObject);
    const ids = this.byType.get(object.object) ?? [];
    ids.push(object.id);
    this.byType.set(object.object, ids);
    return object;
  }

  find<T = StoredObject>(id: string): T | undefined {
    return this.byId.get(id) as T | undefined;
  }

  /** The object with this id and type, or Stripe's `resource_missing` error naming `param`. */
  get<T = StoredObject>(type: string, id: string, param?: string): T {
    const object = this.byId.get(id);
    if (!object || object.object !== type) {
      throw resourceMissing(nameFor(type, id), id, param);
    }
    return object as unknown as T;
  }

  remove(id: string): void {
    const object = this.byId.get(id);
    if (!object) return;
    this.byId.delete(id);
    const ids = this.byType.get(object.object);
    if (ids)
      this.byType.set(
        object.object,
        ids.filter((x) => x !== id),
      );
  }

  /** All objects of a type, oldest first. */
  all<T = StoredObject>(type: string): T[] {
    return (this.byType.get(type) ?? []).map((id) => this.byId.get(id) as unknown as T);
  }

  clear(): void {
    this.byId.clear();
    this.byType.clear();
  }
}

function nameFor(type: string, id: string): string {
  const prefix = id.split('_')[0] ?? '';
  return NAMES[prefix] ?? type;
}

/** Deep copy of an object as the API would send it, without the fields that need `expand`. */
export function render<T>(object: T, keepIncludable: readonly string[] = []): T {
  const copy = structuredClone(object) as Record<string, unknown>;
  const hidden = INCLUDABLE[String(copy.object)] ?? [];
  for (const field of hidden) {
    if (!keepIncludable.includes(field)) delete copy[field];
  }
  return copy as T;
}
