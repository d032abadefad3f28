import type { Queues } from '@mpc/queue';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app';
import { mergePrometheusText } from '../src/http/queue-metrics';
import { useHarness } from './helpers';

/**
 * The Prometheus text format rules a scraper enforces: at most one HELP and one TYPE line per
 * metric family, before its samples, and all samples of a family together.
 */
function checkExposition(text: string): Map<string, string[]> {
  const families = new Map<string, string[]>();
  const closed = new Set<string>();
  let current: string | undefined;
  const familyOf = (name: string) => {
    const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return base && families.has(base) && !families.has(name) ? base : name;
  };
  const enter = (name: string) => {
    if (current !== name) {
      if (current) closed.add(current);
      expect(closed.has(name), `family ${name} is split`).to.equal(false);
      current = name;
    }
  };
  const meta = new Set<string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const m = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (m) {
      expect(meta.has(`${m[1]} ${m[2]}`), `second ${m[1]} line for ${m[2]}`).to.equal(false);
      meta.add(`${m[1]} ${m[2]}`);
      if (!families.has(m[2]!)) families.set(m[2]!, []);
      enter(m[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).to.not.equal(null);
    const fam = familyOf(sample![1]!);
    if (!families.has(fam)) families.set(fam, []);
    enter(fam);
    families.get(fam)!.push(line);
  }
  return families;
}

describe('api: /metrics with BullMQ queue metrics', () => {
  const h = useHarness({ serviceName: 'api-test' });

  it('appends bullmq_job_count{queue,state} of collect, export and control to the registry output', async () => {
    await h.queues.export.addBulk(
      [1, 2, 3].map((n) => ({
        name: 'export',
        data: { profileId: 1, magentoOrderId: n, action: 'export' as const },
      })),
    );
    await h.queues.collect.add('collect', { profileId: 1, trigger: 'manual' }, { delay: 60_000 });
    await request(h.app).get('/healthz');
    const m = await request(h.app).get('/metrics');
    expect(m.status).to.equal(200);
    expect(m.headers['content-type']).to.equal(h.deps.metrics.contentType.replace(/; */g, '; '));
    const families = checkExposition(m.text);
    // prom-client's own series are still there
    expect(families.get('http_request_duration_seconds')!.length).to.be.greaterThan(0);
    expect([...families.keys()].some((k) => k.startsWith('nodejs_'))).to.equal(true);
    const jobCount = families.get('bullmq_job_count')!;
    const sample = (queue: string, state: string) =>
      jobCount.find((l) => l.includes(`queue="${queue}"`) && l.includes(`state="${state}"`));
    expect(sample('export', 'waiting')).to.match(/ 3$/);
    expect(sample('collect', 'delayed')).to.match(/ 1$/);
    expect(sample('control', 'waiting')).to.match(/ 0$/);
    for (const q of ['collect', 'export', 'control'])
      for (const state of ['active', 'completed', 'failed', 'delayed', 'waiting'])
        expect(sample(q, state), `${q} ${state}`).to.be.a('string');
    // labelled like every other series of this process
    for (const line of jobCount) expect(line).to.include('service="api-test"');
    expect(m.text.match(/^# TYPE bullmq_job_count gauge$/gm)).to.have.length(1);
    expect(families.get('bullmq_job_completed_total')).to.have.length(3);
  });

  it('serves the process metrics when the queue counts cannot be read (Redis down), and says why in the log', async () => {
    // real Queue objects (Bull Board checks them) whose counts fail or hang
    const collect = Object.create(h.queues.collect) as Queues['collect'];
    collect.exportPrometheusMetrics = async () => Promise.reject(new Error('Connection is closed.'));
    const exp = Object.create(h.queues.export) as Queues['export'];
    exp.exportPrometheusMetrics = () => new Promise<string>(() => {});
    const app = createApp({ ...h.deps, queues: { ...h.queues, collect, export: exp } });
    const t0 = Date.now();
    const m = await request(app).get('/metrics');
    expect(Date.now() - t0).to.be.lessThan(4000);
    expect(m.status).to.equal(200);
    const families = checkExposition(m.text);
    expect(families.has('nodejs_heap_size_total_bytes')).to.equal(true);
    const jobCount = families.get('bullmq_job_count')!;
    expect(jobCount.every((l) => l.includes('queue="control"'))).to.equal(true);
    expect(
      h.logLines.some((l) => l.includes('queue metrics unavailable') && l.includes('Connection is closed.')),
    ).to.equal(true);
  });

  it('mergePrometheusText keeps one HELP/TYPE per family and groups its samples', () => {
    const block = (q: string) =>
      [
        '# HELP bullmq_job_count Number of jobs in the queue by state',
        '# TYPE bullmq_job_count gauge',
        `bullmq_job_count{queue="${q}", state="waiting"} 1`,
        '# HELP bullmq_job_failed_total Total number of failed jobs',
        '# TYPE bullmq_job_failed_total counter',
        `bullmq_job_failed_total{queue="${q}"} 0`,
      ].join('\n');
    const merged = mergePrometheusText([block('a'), '', block('b')]);
    expect(merged.split('\n')).to.deep.equal([
      '# HELP bullmq_job_count Number of jobs in the queue by state',
      '# TYPE bullmq_job_count gauge',
      'bullmq_job_count{queue="a", state="waiting"} 1',
      'bullmq_job_count{queue="b", state="waiting"} 1',
      '# HELP bullmq_job_failed_total Total number of failed jobs',
      '# TYPE bullmq_job_failed_total counter',
      'bullmq_job_failed_total{queue="a"} 0',
      'bullmq_job_failed_total{queue="b"} 0',
      '',
    ]);
    expect(mergePrometheusText(['', ''])).to.equal('');
  });
});
