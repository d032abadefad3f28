import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { fromRoot } from '../src/paths';

type Target = { expr: string; refId: string };
type Panel = { id: number; title: string; type: string; targets?: Target[]; datasource?: { uid: string } };

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'generated' || e === 'test') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|js)$/.test(p)) out.push(p);
  }
  return out;
}

/** Metrics our code defines with prom-client: name → label names. */
function ownMetrics(): Map<string, string[]> {
  const files = ['packages', 'services']
    .flatMap((d) => readdirSync(fromRoot(d)).map((p) => fromRoot(d, p, 'src')))
    .filter(existsSync)
    .flatMap((d) => walk(d));
  const out = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (
      !/new prom(?:Client)?\.(Counter|Gauge|Histogram|Summary)|new (Counter|Gauge|Histogram|Summary)\(/.test(
        text,
      )
    )
      continue;
    for (const m of text.matchAll(/['"]((?:mpc|http)_[a-z0-9_]+)['"]/g)) {
      const after = text.slice(m.index, m.index + 800);
      const labels = /labelNames:\s*\[([^\]]*)\]/.exec(after)?.[1] ?? '';
      out.set(
        m[1]!,
        [...labels.matchAll(/['"](\w+)['"]/g)].map((x) => x[1]!),
      );
    }
  }
  return out;
}

function packageDir(name: string, from: string): string {
  return dirname(createRequire(fromRoot(from, 'package.json')).resolve(`${name}/package.json`));
}

const grepDir = (dir: string, needle: string) =>
  walk(dir).some((f) => readFileSync(f, 'utf8').includes(needle));

/** Grafana's template variable syntax, not a JS template */
const DATASOURCE = ['$', '{datasource}'].join('');
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;
const PROM_FUNCS = new Set([
  'sum',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'max',
  'min',
  'avg',
  'topk',
  'bottomk',
  'count',
  'clamp_min',
  'clamp_max',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'le',
  'abs',
  'delta',
  'deriv',
  'vector',
  'scalar',
  'time',
]);

/** Metric selectors of a PromQL expression: name and the label names it matches or groups by. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  const out: { metric: string; labels: string[] }[] = [];
  const noStrings = expr.replace(/"[^"]*"/g, '""');
  for (const m of noStrings.matchAll(/\b([a-z_][a-z0-9_]*)\b\s*(\{[^}]*\})?/g)) {
    const name = m[1]!;
    if (PROM_FUNCS.has(name) || /^\d/.test(name)) continue;
    if (/\b(by|without)\s*\([^)]*$/.test(noStrings.slice(0, m.index))) continue; // a label inside by (...)
    if (/\[\d+[smhd]$/.test(noStrings.slice(0, m.index + name.length))) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]!);
    out.push({ metric: name, labels });
  }
  return out;
}
const groupings = (expr: string) =>
  [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

describe('deploy/grafana/mpc-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(fromRoot('deploy/grafana/mpc-dashboard.json'), 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string }[] };
  };
  const targets = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );
  const own = ownMetrics();
  const bullmqDir = packageDir('bullmq', 'packages/queue');
  const promClientDir = packageDir('prom-client', 'packages/runtime');
  // labels every series carries: prom-client default label, Prometheus target labels, histogram buckets
  const common = ['service', 'job', 'instance', 'pod', 'namespace', 'component', 'le'];
  const labelsOf = (metric: string): string[] | undefined => {
    const base = metric.replace(HISTOGRAM_SUFFIX, '');
    if (own.has(metric)) return own.get(metric);
    if (own.has(base)) return own.get(base);
    if (metric === 'bullmq_job_count') return ['queue', 'state'];
    if (/^(process|nodejs)_/.test(metric)) return [];
    return undefined;
  };

  it('is a dashboard with a uid, a Prometheus datasource variable and unique panel ids', () => {
    expect(dashboard.uid).to.equal('mpc-overview');
    expect(dashboard.templating.list).to.deep.include({
      name: 'datasource',
      type: 'datasource',
      query: 'prometheus',
      label: 'Prometheus',
      current: {},
    });
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const p of dashboard.panels) expect(p.datasource?.uid, p.title).to.equal(DATASOURCE);
    expect(targets.length).to.be.greaterThan(10);
  });

  it('charts every metric the exporter and the api define', () => {
    const norm = (m: string) =>
      own.has(m.replace(HISTOGRAM_SUFFIX, '')) ? m.replace(HISTOGRAM_SUFFIX, '') : m;
    const queried = new Set(targets.flatMap((t) => selectors(t.expr).map((s) => norm(s.metric))));
    for (const name of own.keys()) expect([...queried], name).to.include(name);
    expect([...queried]).to.include('bullmq_job_count');
  });

  it("queries only metrics that exist: ours (prom-client in the sources), BullMQ's and prom-client's defaults", () => {
    for (const { panel, expr } of targets) {
      for (const { metric } of selectors(expr)) {
        const base = metric.replace(HISTOGRAM_SUFFIX, '');
        if (metric.startsWith('bullmq_'))
          expect(grepDir(join(bullmqDir, 'dist', 'esm'), metric), `${panel}: ${metric} in bullmq`).to.equal(
            true,
          );
        else if (/^(process|nodejs)_/.test(metric))
          expect(grepDir(join(promClientDir, 'lib'), metric), `${panel}: ${metric} in prom-client`).to.equal(
            true,
          );
        else
          expect(
            own.has(metric) || own.has(base),
            `${panel}: ${metric} is defined in packages/*/src or services/*/src`,
          ).to.equal(true);
      }
    }
  });

  it('matches and groups only by labels the metrics have', () => {
    for (const { panel, expr } of targets) {
      const sels = selectors(expr);
      const known = new Set([...common, ...sels.flatMap((s) => labelsOf(s.metric) ?? [])]);
      for (const s of sels)
        for (const l of s.labels)
          expect([...(labelsOf(s.metric) ?? []), ...common], `${panel}: ${s.metric}{${l}}`).to.include(l);
      for (const l of groupings(expr)) expect([...known], `${panel}: by (${l})`).to.include(l);
    }
  });

  it('the api serves bullmq_job_count (queue.exportPrometheusMetrics on /metrics)', function () {
    const api = walk(fromRoot('services/api/src'));
    if (!api.some((f) => readFileSync(f, 'utf8').includes('exportPrometheusMetrics'))) {
      console.log(
        '      note: services/api does not call queue.exportPrometheusMetrics() yet; the queue panels stay empty until it does',
      );
      this.skip();
    }
  });
});
