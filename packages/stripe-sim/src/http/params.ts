// Reads a decoded request body the way Stripe validates it: typed accessors that throw Stripe's own
// errors (missing, invalid integer, invalid enum, unknown parameter) with the param path set.

import { invalidEnum, invalidInteger, invalidRequest, missingParam, unknownParam } from '../errors.js';
import type { FormObject, FormValue } from './form-decode.js';

export class Params {
  private readonly read = new Set<string>();

  constructor(
    readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  private path(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    this.read.add(key);
    return this.raw[key] !== undefined;
  }

  /** True when the key was sent as an empty string, Stripe's way of saying "unset this". */
  isUnset(key: string): boolean {
    this.read.add(key);
    return this.raw[key] === '';
  }

  optionalString(key: string): string | undefined {
    this.read.add(key);
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, this.path(key));
    }
    return value;
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined || value === '') throw missingParam(this.path(key));
    return value;
  }

  /** A string that may be '' to clear the field: returns null for '', undefined when absent. */
  nullableString(key: string): string | null | undefined {
    const value = this.optionalString(key);
    if (value === '') return null;
    return value;
  }

  optionalInt(key: string, options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.optionalString(key);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw invalidInteger(this.path(key), value);
    const number = Number(value);
    if (options.min !== undefined && number < options.min) {
      throw invalidRequest(
        `This value must be greater than or equal to ${options.min}.`,
        this.path(key),
        'parameter_invalid_integer',
      );
    }
    if (options.max !== undefined && number > options.max) {
      throw invalidRequest(
        `This value must be less than or equal to ${options.max}.`,
        this.path(key),
        'parameter_invalid_integer',
      );
    }
    return number;
  }

  int(key: string, options: { min?: number; max?: number } = {}): number {
    const value = this.optionalInt(key, options);
    if (value === undefined) throw missingParam(this.path(key));
    return value;
  }

  optionalNumber(key: string): number | undefined {
    const value = this.optionalString(key);
    if (value === undefined || value === '') return undefined;
    const number = Number(value);
    if (!Number.isFinite(number)) {
      throw invalidRequest(`Invalid decimal: ${value}`, this.path(key), 'parameter_invalid_decimal');
    }
    return number;
  }

  optionalBool(key: string): boolean | undefined {
    const value = this.optionalString(key);
    if (value === undefined || value === '') return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidRequest(`Invalid boolean: ${value}`, this.path(key));
  }

  optionalEnum<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw invalidEnum(this.path(key), value, allowed);
    return value as T;
  }

  enum<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.optionalEnum(key, allowed);
    if (value === undefined) throw missingParam(this.path(key));
    return value;
  }

  optionalObject(key: string): Params | undefined {
    this.read.add(key);
    const value = this.raw[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidRequest(
        `Invalid object`,
        this.path(key),
        typeof value === 'string' ? 'parameter_invalid_string' : undefined,
      );
    }
    return new Params(value, this.path(key));
  }

  optionalArray(key: string): Params[] | undefined {
    this.read.add(key);
    const value = this.raw[key];
    if (value === undefined || value === '') return undefined;
    if (!Array.isArray(value)) throw invalidRequest(`Invalid array`, this.path(key));
    return value.map((item, index) => {
      if (typeof item !== 'object' || Array.isArray(item)) {
        throw invalidRequest(`Invalid object`, `${this.path(key)}[${index}]`);
      }
      return new Params(item, `${this.path(key)}[${index}]`);
    });
  }

  optionalStringArray(key: string): string[] | undefined {
    this.read.add(key);
    const value = this.raw[key];
    if (value === undefined || value === '') return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw invalidRequest(`Invalid array`, this.path(key));
    }
    return value as string[];
  }

  /** `metadata[k]=v`; '' as a value deletes the key, `metadata=''` clears all. */
  metadataPatch(current: Record<string, string> = {}): Record<string, string> | undefined {
    this.read.add('metadata');
    const value = this.raw.metadata;
    if (value === undefined) return undefined;
    if (value === '') return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidRequest('Invalid hash', this.path('metadata'));
    }
    const next = { ...current };
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw invalidRequest('Invalid hash', this.path(`metadata`));
      if (k.length > 40) {
        throw invalidRequest(
          `Metadata keys can be at most 40 characters long. Received '${k}'.`,
          this.path('metadata'),
        );
      }
      if (v === '') delete next[k];
      else {
        if (v.length > 500) {
          throw invalidRequest(
            `Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters. Invalid value: ${v.slice(0, 20)}...`,
            this.path(`metadata[${k}]`),
          );
        }
        next[k] = v;
      }
    }
    if (Object.keys(next).length > 50) {
      throw invalidRequest('You can have at most 50 metadata keys.', this.path('metadata'));
    }
    return next;
  }

  /** Throws `parameter_unknown` for the first key this handler never asked about. */
  done(): void {
    for (const key of Object.keys(this.raw)) {
      if (key === 'expand') continue;
      if (!this.read.has(key)) throw unknownParam(this.path(key));
    }
  }

  /** Marks keys as known without reading them (accepted and ignored, as documented in the README). */
  accept(...keys: string[]): void {
    for (const key of keys) this.read.add(key);
  }

  value(key: string): FormValue | undefined {
    this.read.add(key);
    return this.raw[key];
  }
}
