// docker-compose.yml helpers: load, and interpolate ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?err}, ${VAR?err} and $$ the way Compose does.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fromRoot } from './paths';

export type ComposeService = {
  image?: string;
  build?: { context: string; target?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | Record<string, unknown>)[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: Record<string, unknown>;
  profiles?: string[];
  container_name?: string;
  stop_grace_period?: string;
  deploy?: Record<string, unknown>;
  [k: string]: unknown;
};
export type ComposeFile = { services: Record<string, ComposeService>; [k: string]: unknown };

export const composePath = () => fromRoot('docker-compose.yml');

/** The file as written (YAML anchors and merge keys resolved, variables not interpolated). */
export function loadCompose(file = composePath()): ComposeFile {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as ComposeFile;
}

export function interpolate<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, name, op, arg, bare) => {
        if (m === '$$') return '$';
        if (bare) return env[bare] ?? '';
        const v = env[name as string];
        const unset = v === undefined || (op?.startsWith(':') && v === '');
        if (op?.endsWith('-')) return unset ? (arg as string) : v!;
        if (op?.endsWith('?')) {
          if (unset) throw new Error(`required variable ${name} is missing: ${arg}`);
          return v!;
        }
        return v ?? '';
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}
