import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const resultsDir = join(repoRoot, 'bench', 'results');

/** A target of the issue and what this run measured against it. */
export interface Target {
  name: string;
  target: string;
  measured: string;
  /** null: not applicable on this run (e.g. tiny sizes) */
  met: boolean | null;
  /** why a target was missed, or what limited the run */
  note?: string;
}

export interface ScenarioResult {
  parameters: Record<string, unknown>;
  figures: Record<string, unknown>;
  targets: Target[];
  notes: string[];
}

export interface Report extends ScenarioResult {
  scenario: string;
  command: string;
  size: string;
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  git: { commit: string | null; dirty: boolean | null };
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMB: number;
  freeMemoryMB: number;
  node: string;
  platform: string;
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1048576),
    freeMemoryMB: Math.round(freemem() / 1048576),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadavg: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function gitInfo(): Report['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'packages', 'services'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function writeReport(report: Report, dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** A plain text table (no dependency): columns padded to their widest cell. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
