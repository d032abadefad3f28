import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validator for Magento's `sales-data-order-interface` from the vendor spec
 * (`${SPECS_DIR}/magento-swagger.json`, default `<repo>/../shared/specs`). Returns null when the
 * spec is absent (a clone outside our CI): callers skip with a note.
 *
 * Swagger 2 has no nullable; Magento's serializer sends explicit nulls for unset fields
 * (OrderResponseNullKeysTest, payment.account_status / cc_last4 in every real order), so every
 * property is made nullable. Nothing else is relaxed: types, required keys and nesting stay.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const specsDir = process.env.SPECS_DIR ?? join(repoRoot, '..', 'shared', 'specs');
export const magentoSpecPath = join(specsDir, 'magento-swagger.json');

type Schema = Record<string, unknown>;

function nullable(s: Schema): Schema {
  if (typeof s.$ref === 'string') return { anyOf: [{ $ref: s.$ref }, { type: 'null' }] };
  if (typeof s.type === 'string') {
    const out: Schema = { ...s, type: [s.type, 'null'] };
    if (s.type === 'array' && s.items && typeof s.items === 'object') out.items = nullable(s.items as Schema);
    return out;
  }
  return s;
}

function relax(def: Schema): Schema {
  const props = def.properties as Record<string, Schema> | undefined;
  if (!props) return def;
  return { ...def, properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, nullable(v)])) };
}

let cached: ValidateFunction | null | undefined;

export function magentoOrderValidator(): ValidateFunction | null {
  if (cached !== undefined) return cached;
  if (!existsSync(magentoSpecPath)) {
    cached = null;
    return null;
  }
  const spec = JSON.parse(readFileSync(magentoSpecPath, 'utf8')) as { definitions: Record<string, Schema> };
  const definitions = Object.fromEntries(Object.entries(spec.definitions).map(([k, v]) => [k, relax(v)]));
  const ajv = new Ajv({ strict: false, allErrors: true });
  cached = ajv.compile({ definitions, $ref: '#/definitions/sales-data-order-interface' });
  return cached;
}
