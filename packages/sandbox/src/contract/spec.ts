import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Swagger 2.0 definitions as JSON Schema for ajv: `#/definitions/X` refs resolved inside the
 * spec, `x-*`, `example`, `xml` and formats stripped (Swagger's formats such as int32, decimal or
 * Magento's date strings are not JSON Schema formats). In "response" mode every typed node also
 * accepts null: Swagger 2 cannot say nullable, and both vendors send nulls (Plenty's own examples
 * hold `"locationId": null` for an integer field; Magento returns `cc_last4: null` although the
 * field is required and typed string).
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function specsDir(): string {
  return process.env.SPECS_DIR ?? resolve(repoRoot, '../shared/specs');
}

type Json = Record<string, unknown>;
export interface SpecResult {
  valid: boolean;
  errors: string[];
  /** why nothing was checked (spec file absent, route or status not in the spec, untyped body) */
  skipped?: string;
}

const STRIP = new Set(['example', 'examples', 'xml', 'format', 'discriminator', 'readOnly', 'externalDocs']);

function convert(node: unknown, id: string, nullable: boolean, overrides: Record<string, Json>): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, id, nullable, overrides));
  if (!node || typeof node !== 'object') return node;
  const o = node as Json;
  if (typeof o.$ref === 'string') {
    const ref = `${id}#${o.$ref.slice(1)}`;
    return nullable ? { anyOf: [{ $ref: ref }, { type: 'null' }] } : { $ref: ref };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-') || STRIP.has(k)) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(v as Json).map(([pk, pv]) => [pk, convert(pv, id, nullable, overrides)]),
      );
    } else if (k === 'type' && v === 'file') {
      // no JSON equivalent
    } else out[k] = convert(v, id, nullable, overrides);
  }
  if (nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

export class SwaggerSpec {
  readonly doc: Json;
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction | null>();
  readonly coverage = new Coverage();

  constructor(
    readonly id: string,
    file: string,
    /** per-definition replacements, each with the source fact that justifies it */
    overrides: Record<string, Json> = {},
    private readonly basePaths: RegExp = /^$/,
  ) {
    this.doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    for (const nullable of [false, true]) {
      const defs = { ...(this.doc.definitions as Json) };
      for (const [k, v] of Object.entries(overrides)) defs[k] = v;
      const sid = nullable ? `${id}-nullable` : id;
      this.ajv.addSchema({ $id: sid, definitions: convert(defs, sid, nullable, overrides) as Json });
    }
  }

  private op(method: string, pathTemplate: string): Json | undefined {
    const p = pathTemplate.replace(this.basePaths, '');
    const paths = this.doc.paths as Record<string, Json>;
    return paths[p]?.[method.toLowerCase()] as Json | undefined;
  }

  responseSchema(method: string, pathTemplate: string, status: number): Json | undefined {
    const op = this.op(method, pathTemplate);
    const responses = op?.responses as Record<string, Json> | undefined;
    return (responses?.[String(status)] ?? responses?.default)?.schema as Json | undefined;
  }

  requestSchema(method: string, pathTemplate: string): Json | undefined {
    const op = this.op(method, pathTemplate);
    const body = (op?.parameters as Json[] | undefined)?.find((p) => p.in === 'body');
    return body?.schema as Json | undefined;
  }

  hasOperation(method: string, pathTemplate: string): boolean {
    return this.op(method, pathTemplate) !== undefined;
  }

  private compile(key: string, schema: Json, nullable: boolean): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      const sid = nullable ? `${this.id}-nullable` : this.id;
      fn = this.ajv.compile(convert(schema, sid, nullable, {}) as Json);
      this.cache.set(key, fn);
    }
    return fn;
  }

  validate(
    kind: 'request' | 'response',
    method: string,
    pathTemplate: string,
    status: number,
    body: unknown,
  ): SpecResult {
    if (!this.hasOperation(method, pathTemplate))
      return { valid: false, errors: [`${method} ${pathTemplate} is not in the ${this.id} spec`] };
    const schema =
      kind === 'request'
        ? this.requestSchema(method, pathTemplate)
        : this.responseSchema(method, pathTemplate, status);
    if (!schema)
      return {
        valid: true,
        errors: [],
        skipped: `${method} ${pathTemplate} ${kind} ${status} has no schema in the spec`,
      };
    const nullable = kind === 'response';
    const fn = this.compile(`${kind} ${method} ${pathTemplate} ${status}`, schema, nullable);
    const valid = fn(body) as boolean;
    this.coverage.record(
      `${method.toUpperCase()} ${pathTemplate}`,
      schema,
      body,
      this.doc.definitions as Json,
    );
    return { valid, errors: valid ? [] : (fn.errors ?? []).map(fmt) };
  }
}

function fmt(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`;
}

/** Which routes were checked, and which fields of the bodies the spec's schemas describe. */
export class Coverage {
  readonly routes = new Set<string>();
  /** `Definition.field` (or `route:path`) of every field present in a body and declared in the spec */
  readonly covered = new Set<string>();
  /** fields present in a body that the spec does not declare */
  readonly undeclared = new Set<string>();

  record(route: string, schema: Json, body: unknown, defs: Json): void {
    this.routes.add(route);
    const walk = (s: Json | undefined, v: unknown, where: string, depth: number): void => {
      if (!s || depth > 12 || v === null || v === undefined) return;
      if (typeof s.$ref === 'string') {
        const name = s.$ref.split('/').pop()!;
        walk(defs[name] as Json, v, name, depth + 1);
        return;
      }
      if (Array.isArray(v)) {
        for (const x of v.slice(0, 20)) walk(s.items as Json, x, `${where}[]`, depth + 1);
        return;
      }
      if (typeof v !== 'object') return;
      const props = (s.properties ?? {}) as Record<string, Json>;
      if (!Object.keys(props).length) return;
      for (const [k, x] of Object.entries(v as Json)) {
        if (props[k]) {
          this.covered.add(`${where}.${k}`);
          walk(props[k], x, `${where}.${k}`, depth + 1);
        } else this.undeclared.add(`${where}.${k}`);
      }
    };
    walk(schema, body, route, 0);
  }
}

const cache = new Map<string, SwaggerSpec | null>();
export function loadSpec(
  id: string,
  file: string,
  factory: (path: string) => SwaggerSpec,
): SwaggerSpec | undefined {
  if (!cache.has(id)) {
    const path = resolve(specsDir(), file);
    cache.set(id, existsSync(path) ? factory(path) : null);
  }
  return cache.get(id) ?? undefined;
}
