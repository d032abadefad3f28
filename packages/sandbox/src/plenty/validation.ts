import type { Response } from 'express';

/**
 * Collects Laravel-style validation errors and answers Plenty's 422:
 * `{"error":{"message":"validation error found"},"validation_errors":{"field":["..."]}}`.
 */
export class Validation {
  readonly errors: Record<string, string[]> = {};

  add(field: string, message: string): void {
    const list = this.errors[field] ?? [];
    list.push(message);
    this.errors[field] = list;
  }
  get failed(): boolean {
    return Object.keys(this.errors).length > 0;
  }
  send(res: Response): void {
    res.status(422).json({ error: { message: 'validation error found' }, validation_errors: this.errors });
  }

  required(field: string, v: unknown): boolean {
    if (v === undefined || v === null || v === '') {
      this.add(field, `The ${field} field is required.`);
      return false;
    }
    return true;
  }
  /** integer (JSON number or numeric string, as Laravel accepts) */
  int(
    field: string,
    v: unknown,
    o: { required?: boolean; min?: number; max?: number } = {},
  ): number | undefined {
    if (v === undefined || v === null) {
      if (o.required) this.add(field, `The ${field} field is required.`);
      return undefined;
    }
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.add(field, `The ${field} must be an integer.`);
      return undefined;
    }
    if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
      this.add(field, `The ${field} must be between ${o.min ?? '-∞'} and ${o.max ?? '∞'}.`);
      return undefined;
    }
    return n;
  }
  num(field: string, v: unknown, o: { required?: boolean; min?: number } = {}): number | undefined {
    if (v === undefined || v === null) {
      if (o.required) this.add(field, `The ${field} field is required.`);
      return undefined;
    }
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.add(field, `The ${field} must be a number.`);
      return undefined;
    }
    if (o.min !== undefined && n < o.min) {
      this.add(field, `The ${field} must be at least ${o.min}.`);
      return undefined;
    }
    return n;
  }
  str(
    field: string,
    v: unknown,
    o: { required?: boolean; pattern?: RegExp; in?: readonly string[] } = {},
  ): string | undefined {
    if (v === undefined || v === null || v === '') {
      if (o.required) this.add(field, `The ${field} field is required.`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(field, `The ${field} must be a string.`);
      return undefined;
    }
    if (o.pattern && !o.pattern.test(v)) {
      this.add(field, `The ${field} format is invalid.`);
      return undefined;
    }
    if (o.in && !o.in.includes(v)) {
      this.add(field, `The selected ${field} is invalid.`);
      return undefined;
    }
    return v;
  }
  bool(field: string, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1 || v === '0' || v === '1') return v === 1 || v === '1';
    this.add(field, `The ${field} field must be true or false.`);
    return undefined;
  }
  array(field: string, v: unknown, o: { required?: boolean } = {}): Record<string, unknown>[] {
    if (v === undefined || v === null) {
      if (o.required) this.add(field, `The ${field} field is required.`);
      return [];
    }
    if (!Array.isArray(v)) {
      this.add(field, `The ${field} must be an array.`);
      return [];
    }
    return v.map((x, i) => {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) {
        this.add(`${field}.${i}`, `The ${field}.${i} must be an array.`);
        return {};
      }
      return x as Record<string, unknown>;
    });
  }
  /** the id must exist (Laravel's `exists` rule) */
  exists(field: string, v: number | undefined, ok: (id: number) => boolean): void {
    if (v !== undefined && !ok(v)) this.add(field, `The selected ${field} is invalid.`);
  }
  object(v: unknown): Record<string, unknown> | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.add('body', 'The request body must be a JSON object.');
      return undefined;
    }
    return v as Record<string, unknown>;
  }
}
