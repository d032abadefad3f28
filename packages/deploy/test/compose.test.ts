import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { type ComposeService, interpolate, loadCompose } from '../src/compose';
import { SERVICES, serviceEnvKeys } from '../src/env-keys';
import { fromRoot } from '../src/paths';

// The official Compose Specification schema (compose-spec/compose-spec, schema/compose-spec.json)
// as shipped in the npm package dclint@3.1.0 (schemas/compose.schema.json).
const require = createRequire(import.meta.url);
const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;

function validator() {
  // the schema names draft-07 as "https://json-schema.org/draft-07/schema", which is Ajv's default
  // draft under another spelling: compile it without that line (as dclint itself does)
  const { $schema: _draft, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(rest);
}

/** Compose durations: 1m30s, 60s, 500ms. */
function durationSeconds(d: string): number {
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) {
    total +=
      Number(n) * ({ h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 } as Record<string, number>)[u!]!;
  }
  return total;
}

describe('docker-compose.yml', () => {
  const raw = loadCompose();
  // no .env at all: every variable falls back to its default (`docker compose up -d redis postgres` on a fresh clone)
  const resolved = interpolate(raw, {});
  const services = resolved.services;
  const app = SERVICES.map((s) => [s, services[s]] as [string, ComposeService]);

  it('is the official Compose Specification schema (from dclint@3.1.0)', () => {
    expect(schema.$id).to.equal('compose_spec.json');
    expect(schema.title).to.equal('Compose Specification');
  });

  it('validates against the Compose Specification, as written and after interpolation', () => {
    const validate = validator();
    const asWritten = parse(readFileSync(fromRoot('docker-compose.yml'), 'utf8'), { merge: true });
    for (const doc of [asWritten, resolved]) {
      const ok = validate(doc);
      expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
    }
  });

  it('the schema check is not vacuous: it rejects an unknown service key and a bad depends_on condition', () => {
    const validate = validator();
    expect(validate({ services: { a: { image: 'x:1', restart_policy: 'always' } } })).to.equal(false);
    expect(
      validate({ services: { a: { image: 'x:1', depends_on: { b: { condition: 'done' } } } } }),
    ).to.equal(false);
  });

  it('interpolates without .env (no required variables), so the backing stores start alone', () => {
    expect(() => interpolate(raw, {})).not.to.throw();
    for (const name of ['redis', 'postgres']) {
      const s = services[name]!;
      expect(s.depends_on, `${name} depends on nothing`).to.equal(undefined);
      expect(s.build, `${name} needs no build`).to.equal(undefined);
      expect(s.healthcheck, `${name} has a healthcheck`).to.be.an('object');
      expect(s.profiles, `${name} runs without a profile`).to.equal(undefined);
    }
  });

  it('runs Postgres 15 and Redis 7 with noeviction and AOF', () => {
    expect(services.postgres!.image).to.match(/^postgres:15[.-]/);
    expect(services.redis!.image).to.match(/^redis:7[.-]/);
    const cmd = (services.redis!.command as string[]).join(' ');
    expect(cmd).to.include('--appendonly yes').and.to.include('--maxmemory-policy noeviction');
  });

  it('pins every image tag (no latest, no untagged image)', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name} image`).to.be.a('string');
      const tag = /:([^/:]+)$/.exec(s.image!)?.[1];
      expect(tag, `${name} image tag`).to.be.a('string').and.not.equal('latest');
    }
  });

  it('has a one-shot migrate service that every app service waits for', () => {
    const migrate = services.migrate!;
    expect(migrate.restart).to.equal('no');
    expect((migrate.build as { target: string }).target).to.equal('migrate');
    expect((migrate.depends_on as Record<string, { condition: string }>).postgres!.condition).to.equal(
      'service_healthy',
    );
    for (const [name, s] of app) {
      const deps = s.depends_on as Record<string, { condition: string }>;
      expect(deps.migrate?.condition, name).to.equal('service_completed_successfully');
      expect(deps.redis?.condition, name).to.equal('service_healthy');
      expect(deps.postgres?.condition, name).to.equal('service_healthy');
    }
  });

  it('builds each service from the Dockerfile target of the same name', () => {
    for (const [name, s] of app) expect((s.build as { target: string }).target).to.equal(name);
  });

  it('lets the exporter scale (no container_name, no published ports) and never scales the scheduler', () => {
    for (const [name, s] of Object.entries(services)) expect(s.container_name, name).to.equal(undefined);
    expect(services.exporter!.ports).to.equal(undefined);
    expect(services.scheduler!.ports).to.equal(undefined);
    expect(services.scheduler!.deploy?.replicas ?? 1).to.equal(1);
  });

  it('gives every app service a stop_grace_period longer than SHUTDOWN_TIMEOUT_MS', () => {
    for (const [name, s] of app) {
      const deadline = Number(s.environment!.SHUTDOWN_TIMEOUT_MS) / 1000;
      expect(deadline, name).to.be.greaterThan(0);
      expect(durationSeconds(s.stop_grace_period!), name).to.be.greaterThan(deadline);
    }
  });

  it('gives each app service every environment variable it reads', () => {
    for (const [name, s] of app) {
      const keys = Object.keys(s.environment ?? {});
      const missing = serviceEnvKeys(name as (typeof SERVICES)[number]).filter((k) => !keys.includes(k));
      expect(missing, `${name} misses`).to.deep.equal([]);
    }
    expect(Object.keys(services.migrate!.environment!)).to.include('DATABASE_URL');
  });

  it('points the app services at the compose redis and postgres, in production mode', () => {
    for (const [name, s] of app) {
      expect(s.environment!.NODE_ENV, name).to.equal('production');
      expect(String(s.environment!.REDIS_URL), name).to.match(/^redis:\/\/redis:6379/);
      expect(String(s.environment!.DATABASE_URL), name).to.match(/@postgres:5432\//);
      expect(String(s.environment!.QUEUE_PREFIX), name).to.equal('mpc');
    }
  });

  it('keeps the sandboxes behind the "sandbox" profile and nothing else behind a profile', () => {
    const profiled = Object.entries(services).filter(([, s]) => s.profiles);
    expect(profiled.map(([n]) => n)).to.deep.equal(['sandbox']);
    for (const [, s] of profiled) {
      expect(s.profiles).to.deep.equal(['sandbox']);
      expect((s.build as { target: string }).target).to.equal('sandbox');
    }
  });

  it('publishes host ports on 127.0.0.1 by default (api included)', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) expect(String(p), name).to.match(/^127\.0\.0\.1:/);
    }
  });
});
