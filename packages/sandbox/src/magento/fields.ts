/**
 * Magento's `fields` query parameter: `items[entity_id,increment_id,status],total_count`.
 * Nested selections work (`extension_attributes[shipping_assignments]`); a bare object name
 * keeps the whole object.
 */
export type FieldTree = Map<string, FieldTree | true>;

export function parseFields(spec: string): FieldTree {
  let i = 0;
  const parseList = (): FieldTree => {
    const tree: FieldTree = new Map();
    while (i < spec.length) {
      let name = '';
      while (i < spec.length && !',[]'.includes(spec[i]!)) name += spec[i++];
      name = name.trim();
      if (spec[i] === '[') {
        i++;
        const sub = parseList();
        if (name) tree.set(name, sub);
        if (spec[i] === ']') i++;
      } else if (name) tree.set(name, true);
      if (spec[i] === ',') {
        i++;
        continue;
      }
      if (spec[i] === ']') return tree;
    }
    return tree;
  };
  return parseList();
}

export function selectFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => selectFields(v, tree));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of tree) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out[k] = sub === true ? v : selectFields(v, sub);
  }
  return out;
}
