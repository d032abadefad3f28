import type { z } from 'zod';
import { type FieldError, problems } from './problem';

/** `["orderStatus","statusMapping",2,"plentyStatusId"]` → `orderStatus.statusMapping[2].plentyStatusId` */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

export function issuesToFieldErrors(prefix: string, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath(prefix, [...issue.path, key]),
          message: 'unknown field; remove it (see the OpenAPI document for the allowed fields)',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length) {
      // show the branch that got furthest instead of "invalid input"
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      out.push(
        ...issuesToFieldErrors(
          prefix,
          best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
        ),
      );
      continue;
    }
    out.push({ path: formatPath(prefix, issue.path), message: issue.message });
  }
  return out;
}

/**
 * Keys present in the input that the parsed output dropped: zod strips unknown keys of non-strict
 * nested objects (shared core schemas), we reject them instead so a typo never silently vanishes.
 */
export function unknownKeys(input: unknown, output: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((v, i) => unknownKeys(v, output[i], [...path, i]));
  }
  if (input && typeof input === 'object' && output && typeof output === 'object' && !Array.isArray(output)) {
    const found: PropertyKey[][] = [];
    for (const [k, v] of Object.entries(input)) {
      if (!(k in output)) found.push([...path, k]);
      else found.push(...unknownKeys(v, (output as Record<string, unknown>)[k], [...path, k]));
    }
    return found;
  }
  return [];
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(issuesToFieldErrors(prefix, result.error.issues));
  const extra = unknownKeys(value, result.data);
  if (extra.length) {
    throw problems.validation(
      extra.map((p) => ({
        path: formatPath(prefix, p),
        message: 'unknown field; remove it (see the OpenAPI document for the allowed fields)',
      })),
    );
  }
  return result.data;
}
