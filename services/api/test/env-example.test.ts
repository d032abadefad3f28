import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { baseEnvSchema, readEnv } from '@mpc/runtime';
import { expect } from 'chai';
import { apiEnvSchema } from '../src/env';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (...p: string[]) => readFileSync(join(root, ...p), 'utf8');

describe('.env.example', () => {
  const text = read('.env.example');
  const env = parseEnv(text) as Record<string, string>;

  it('lists every key of the api schema and of baseEnvSchema, and the api starts with it as is', () => {
    const keys = [...Object.keys(apiEnvSchema.shape), ...Object.keys(baseEnvSchema.shape)];
    for (const k of keys) expect(env, k).to.have.property(k);
    const parsed = readEnv(apiEnvSchema, env);
    expect(parsed.DATABASE_URL).to.equal('postgresql://postgres@127.0.0.1:5432/mpc'); // local trust auth
    expect(parsed.API_HOST).to.equal('127.0.0.1');
  });

  it("lists the workers' own keys (zod keys of services/*/src/main.ts)", () => {
    for (const svc of ['scheduler', 'collector', 'exporter']) {
      const keys = [...read('services', svc, 'src', 'main.ts').matchAll(/\b([A-Z][A-Z0-9_]+):\s*z\b/g)].map(
        (m) => m[1]!,
      );
      expect(keys.length, svc).to.be.greaterThan(0);
      for (const k of keys) expect(env, `${svc}: ${k}`).to.have.property(k);
    }
    expect(env.PLENTY_PLAN).to.be.oneOf(['basic', 'classic', 'flex', 'plus']);
  });

  it("uses the code's defaults where one exists, and explains every key in a comment line above it", () => {
    const defaults = apiEnvSchema.parse({ SECRETS_KEY: env.SECRETS_KEY });
    for (const k of [
      'QUEUE_PREFIX',
      'DATABASE_POOL_SIZE',
      'SHUTDOWN_TIMEOUT_MS',
      'HEALTH_PORT',
      'API_PORT',
      'API_RATE_LIMIT_PER_MINUTE',
      'TRUST_PROXY',
      'CORS_ORIGINS',
    ] as const)
      expect(env[k], k).to.equal(String(defaults[k]));
    const lines = text.split('\n');
    const selfExplaining = new Set(['NODE_ENV', 'REDIS_URL', 'API_PORT']);
    lines.forEach((line, i) => {
      const key = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (key && !selfExplaining.has(key)) expect(lines[i - 1], `comment above ${key}`).to.match(/^# \S/);
    });
  });
});
