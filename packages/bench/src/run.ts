import { migrate, recreateDatabase } from '@mpc/db';
import { testEnv } from '@mpc/demo';
import type { ScenarioDef, Size } from './common';
import { createProgress } from './progress';
import { gitInfo, machineInfo, type Report, table, writeReport } from './report';
import { api } from './scenarios/api';
import { budget } from './scenarios/budget';
import { callsPerOrder } from './scenarios/calls-per-order';
import { chaos } from './scenarios/chaos';
import { collector } from './scenarios/collector';
import { latencyBound } from './scenarios/latency-bound';
import { scaleOut } from './scenarios/scale-out';

export const scenarios: ScenarioDef[] = [
  callsPerOrder,
  latencyBound,
  budget,
  scaleOut,
  collector,
  api,
  chaos,
];

export interface RunOptions {
  kind: 'bench' | 'chaos';
  names: string[];
  size: Size;
  /** write bench/results/<scenario>.json (default true) */
  write?: boolean;
  resultsDir?: string;
  silent?: boolean;
}

/** Runs scenarios one after the other, prints a table per scenario and a summary, writes the JSON reports. */
export async function runScenarios(opts: RunOptions): Promise<Report[]> {
  const all = scenarios.filter((s) => s.kind === opts.kind);
  const unknown = opts.names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(
      `unknown ${opts.kind} scenario(s): ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`,
    );
  const chosen = opts.names.length ? all.filter((s) => opts.names.includes(s.name)) : all;
  const out = (text: string) => {
    if (!opts.silent) process.stdout.write(`${text}\n`);
  };
  const expected = chosen.reduce((n, s) => n + s.expectedS[opts.size], 0);
  out(
    `${opts.kind}: ${chosen.map((s) => s.name).join(', ')} (${opts.size}; about ${Math.ceil(expected / 60)} min on 2 cores)`,
  );
  out(`database ${testEnv.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}, redis ${testEnv.redisUrl}`);
  const reports: Report[] = [];
  for (const s of chosen) {
    out(`\n== ${s.name}: ${s.summary} (about ${s.expectedS[opts.size]} s)`);
    await freshDatabase(testEnv.databaseUrl);
    const startedAt = new Date();
    const result = await s.run({
      size: opts.size,
      progress: createProgress(s.name, { silent: opts.silent ?? false }),
    });
    const report: Report = {
      scenario: s.name,
      command: `pnpm ${opts.kind} ${s.name}${opts.size === 'quick' ? ' --quick' : ''}`,
      size: opts.size,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      machine: machineInfo(),
      git: gitInfo(),
      ...result,
    };
    reports.push(report);
    out(
      table(
        ['target', 'goal', 'measured', 'met'],
        report.targets.map((t) => [
          t.name,
          t.target,
          t.measured,
          t.met == null ? 'n/a' : t.met ? 'yes' : 'NO',
        ]),
      ),
    );
    for (const n of report.targets.filter((t) => t.note)) out(`  note (${n.name}): ${n.note}`);
    if (opts.write ?? true) out(`report: ${writeReport(report, opts.resultsDir)}`);
  }
  if (reports.length > 1) {
    out('\n== summary');
    out(
      table(
        ['scenario', 'target', 'measured', 'met'],
        reports.flatMap((r) =>
          r.targets.map((t) => [
            r.scenario,
            t.target,
            t.measured,
            t.met == null ? 'n/a' : t.met ? 'yes' : 'NO',
          ]),
        ),
      ),
    );
  }
  return reports;
}

/**
 * Every scenario starts on an empty, migrated database when it is a benchmark database
 * (mpc_bench*, the command's own): an earlier run's rows and dead tuples (CI's Postgres runs
 * without autovacuum) would slow the statements measured, and an interrupted run's still active
 * profile would be exported by every later run's scheduler. Any other database is only migrated.
 */
export async function freshDatabase(databaseUrl: string): Promise<void> {
  if (new URL(databaseUrl).pathname.startsWith('/mpc_bench')) await recreateDatabase(databaseUrl);
  await migrate({ databaseUrl, createDatabase: true });
}
