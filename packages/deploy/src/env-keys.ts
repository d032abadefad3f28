// The environment variables the services read, found in their sources: the zod env schemas
// (packages/runtime/src/env.ts, services/*/src/env.ts, services/*/src/main.ts) and direct
// process.env reads of the entry points.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fromRoot } from './paths';

const ZOD_KEY = /\b([A-Z][A-Z0-9_]+):\s*z\b/g;
const PROCESS_ENV = /process\.env\.([A-Z][A-Z0-9_]+)/g;

function keysIn(file: string, re: RegExp): string[] {
  if (!existsSync(file)) return [];
  return [...readFileSync(file, 'utf8').matchAll(re)].map((m) => m[1]!);
}

export const SERVICES = ['api', 'scheduler', 'collector', 'exporter'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Keys of baseEnvSchema: every service reads them. */
export function baseEnvKeys(): string[] {
  return [...new Set(keysIn(fromRoot('packages/runtime/src/env.ts'), ZOD_KEY))];
}

/** Every env key one service reads (base + its own zod keys + direct process.env reads). */
export function serviceEnvKeys(service: ServiceName): string[] {
  const dir = fromRoot('services', service, 'src');
  const own = [
    ...keysIn(`${dir}/env.ts`, ZOD_KEY),
    ...keysIn(`${dir}/main.ts`, ZOD_KEY),
    ...keysIn(`${dir}/main.ts`, PROCESS_ENV),
  ];
  return [...new Set([...baseEnvKeys(), ...own])].sort();
}

/** Keys the migration command reads. */
export function migrateEnvKeys(): string[] {
  return [...new Set(keysIn(fromRoot('packages/db/src/migrate-cli.ts'), PROCESS_ENV))];
}

export function allServiceEnvKeys(): string[] {
  return [...new Set(SERVICES.flatMap(serviceEnvKeys))].sort();
}

/** Keys of a dotenv file (commented-out keys excluded). */
export function dotenvKeys(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => /^\s*([A-Z][A-Z0-9_]*)\s*=/.exec(l)?.[1])
    .filter((k): k is string => Boolean(k));
}

export const serviceDirs = () => readdirSync(fromRoot('services'));
