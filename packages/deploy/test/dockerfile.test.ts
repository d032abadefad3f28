import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import {
  BUILT_PACKAGES,
  buildAll,
  COMPILED_CONDITION,
  SERVICE_NODE_ARGS,
  SERVICE_NODE_ENV,
} from '../src/build';
import { loadCompose } from '../src/compose';
import { fromRoot } from '../src/paths';

const TARGETS = ['api', 'scheduler', 'collector', 'exporter', 'migrate', 'sandbox'] as const;
const WORKERS = ['scheduler', 'collector', 'exporter'] as const;

type Stage = { name: string | null; from: string; instructions: Instruction[] };

describe('Dockerfile', () => {
  const text = readFileSync(fromRoot('Dockerfile'), 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map(
    dockerfile.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue() ?? '']),
  );

  // group the instructions by stage (FROM starts one)
  const stages: Stage[] = [];
  for (const ins of dockerfile.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === ins.getRange().start.line)!;
      stages.push({ name: from.getBuildStage(), from: from.getImage()!, instructions: [] });
    } else if (stages.length) stages.at(-1)!.instructions.push(ins);
  }
  const byName = new Map(stages.map((s) => [s.name, s]));
  /** the stage and its ancestors, nearest first */
  const chain = (name: string): Stage[] => {
    const out: Stage[] = [];
    for (let s = byName.get(name); s; s = byName.get(s.from)) out.push(s);
    return out;
  };
  /** last value of an instruction along the chain (e.g. the effective USER) */
  const effective = (name: string, keyword: string): Instruction | undefined => {
    for (const s of chain(name)) {
      const found = s.instructions.filter((i) => i.getKeyword() === keyword);
      if (found.length) return found.at(-1);
    }
    return undefined;
  };
  const envOf = (name: string, key: string): string | undefined => {
    for (const s of chain(name)) {
      for (const ins of [...s.instructions].reverse()) {
        if (ins.getKeyword() !== 'ENV') continue;
        const m = new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(ins.getArgumentsContent() ?? '');
        if (m) return m[1];
      }
    }
    return undefined;
  };
  const cmdOf = (name: string) => JSON.parse(effective(name, 'CMD')!.getArgumentsContent()!) as string[];

  it('parses without problems and is multi-stage', () => {
    expect(stages.length).to.be.greaterThanOrEqual(4);
    expect(stages.map((s) => s.name)).to.include.members(['base', 'deps', 'build', 'runtime']);
  });

  it('has a target for every service (api, scheduler, collector, exporter, migrate, sandbox)', () => {
    for (const t of TARGETS) expect(byName.has(t), t).to.equal(true);
  });

  it('every compose build target exists in the Dockerfile', () => {
    for (const [name, s] of Object.entries(loadCompose().services)) {
      const target = (s.build as { target?: string } | undefined)?.target;
      if (target) expect(byName.has(target), `${name} → ${target}`).to.equal(true);
    }
  });

  it('starts from a pinned node 20 bookworm-slim image (full version tag, no latest)', () => {
    const external = stages.filter((s) => !byName.has(s.from));
    expect(external.length).to.be.greaterThan(0);
    for (const s of external) {
      const image = s.from.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '');
      expect(image, s.name ?? '').to.match(/^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    }
    expect(text).not.to.match(/:latest\b/);
  });

  it('runs every runtime target as a non-root user', () => {
    for (const t of TARGETS) {
      const user = effective(t, 'USER')?.getArgumentsContent();
      expect(user, t).to.be.a('string');
      expect(user, t).not.to.match(/^(root|0)(:|$)/);
    }
  });

  it('forwards signals through tini (SIGTERM reaches node) and sets NODE_ENV=production', () => {
    for (const t of TARGETS) {
      const ep = JSON.parse(effective(t, 'ENTRYPOINT')!.getArgumentsContent()!) as string[];
      expect(ep[0], t).to.match(/tini$/);
      expect(ep).to.include('--');
      expect(envOf(t, 'NODE_ENV'), t).to.equal('production');
      expect(cmdOf(t)[0], `${t} runs node directly (exec form)`).to.equal('node');
    }
  });

  it('has a HEALTHCHECK on /healthz for the api and the workers; the worker port is HEALTH_PORT', () => {
    for (const t of ['api', ...WORKERS]) {
      const hc = effective(t, 'HEALTHCHECK')!.getArgumentsContent()!;
      expect(hc, t).to.include('CMD').and.to.include('/healthz');
    }
    for (const t of WORKERS) {
      expect(effective(t, 'HEALTHCHECK')!.getArgumentsContent(), t).to.include('process.env.HEALTH_PORT');
      const port = envOf(t, 'HEALTH_PORT');
      expect(port, t).to.match(/^\d+$/);
      expect(String(loadCompose().services[t]!.environment!.HEALTH_PORT), `compose ${t}`).to.equal(port);
      expect(effective(t, 'EXPOSE')!.getArgumentsContent(), t).to.equal(port);
    }
    expect(envOf('api', 'API_PORT')).to.equal('3000');
  });

  it('runs the compiled entry points that the build writes (pnpm deploy layout)', () => {
    buildAll();
    const compiled = ['node', ...SERVICE_NODE_ARGS];
    expect(compiled[1]).to.equal(`--conditions=${COMPILED_CONDITION}`);
    for (const t of ['api', ...WORKERS, 'migrate', 'sandbox']) {
      for (const [key, value] of Object.entries(SERVICE_NODE_ENV))
        expect(envOf(t, key), `${t} ${key}`).to.equal(value);
    }
    expect(cmdOf('sandbox').slice(0, compiled.length)).to.deep.equal(compiled);
    expect(loadCompose().services.sandbox!.command!.slice(0, compiled.length)).to.deep.equal(compiled);
    for (const t of ['api', ...WORKERS]) {
      expect(cmdOf(t), t).to.deep.equal([...compiled, 'dist/main.js']);
      expect(existsSync(fromRoot('services', t, 'dist/main.js')), t).to.equal(true);
    }
    expect(cmdOf('migrate')).to.deep.equal([...compiled, 'dist/migrate-cli.js']);
    expect(existsSync(fromRoot('packages/db/dist/migrate-cli.js'))).to.equal(true);
    expect(effective('migrate', 'WORKDIR')!.getArgumentsContent()).to.equal('/app/packages/db');
    expect(text).to.match(/RUN pnpm build --force/);
  });

  it('every package an image runs ships dist/ and points the compiled condition at it', () => {
    buildAll();
    for (const dir of Object.keys(BUILT_PACKAGES)) {
      const pkg = JSON.parse(readFileSync(fromRoot(dir, 'package.json'), 'utf8')) as {
        files?: string[];
        exports: Record<string, Record<string, string>>;
      };
      expect(pkg.files, dir).to.deep.equal(['dist']);
      for (const [sub, target] of Object.entries(pkg.exports)) {
        expect(Object.keys(target)[0], `${dir} ${sub}: compiled comes first`).to.equal(COMPILED_CONDITION);
        expect(existsSync(fromRoot(dir, target[COMPILED_CONDITION]!)), `${dir} ${sub}`).to.equal(true);
        expect(existsSync(fromRoot(dir, target.default!)), `${dir} ${sub}`).to.equal(true);
      }
    }
  });

  it('installs from the lockfile with the pinned pnpm and generates the Prisma client', () => {
    const pm = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { packageManager: string })
      .packageManager;
    expect(text).to.include(`npm install -g ${pm}`);
    expect(text).to.match(/pnpm install --frozen-lockfile/);
    expect(text).to.include('node scripts/prisma-generate.mjs');
    for (const svc of ['api', 'scheduler', 'collector', 'exporter', 'db', 'sandbox']) {
      expect(text, svc).to.match(new RegExp(`--filter (")?@mpc/(\\$svc|${svc})\\1? deploy --prod`));
    }
  });

  it('.dockerignore keeps node_modules, .git and .env out, and the sources in', () => {
    const lines = readFileSync(fromRoot('.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(lines).to.include.members(['**/node_modules', '.git', '.env', '**/generated', '**/dist']);
    for (const needed of ['packages', 'services', 'prisma', 'scripts', 'pnpm-lock.yaml', 'packages/deploy']) {
      expect(lines, needed).not.to.include(needed);
    }
  });
});
