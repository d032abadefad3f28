import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onAbort, sleep } from './common';

/** A free TCP port on loopback (asks the kernel). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server on a random port (never the shared one on 6379), with an append-only
 * file so a restart keeps the queues, as in docker-compose.yml.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'mpc-chaos-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    onAbort(() => {
      this.child?.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--dir',
        this.dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`private redis-server on port ${this.port} did not start`);
  }

  /** SIGTERM: Redis writes its append-only file and exits (a graceful restart). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
    this.child = null;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL binaries of this machine (Debian layout), or null. */
export function postgresBinDir(): string | null {
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    try {
      execFileSync(join(dir, 'pg_ctl'), ['--version'], { stdio: 'pipe' });
      return dir;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * A private Postgres cluster under /tmp on a random port (initdb + pg_ctl as the postgres user
 * when we run as root), so the benchmark can restart it without touching the shared server.
 */
export class PrivatePostgres {
  readonly dir: string;
  private readonly asUser: string[];
  constructor(
    readonly port: number,
    private readonly bin: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'mpc-chaos-pg-'));
    const root = process.getuid?.() === 0;
    this.asUser = root ? ['runuser', '-u', 'postgres', '--'] : [];
    if (root) {
      chmodSync(this.dir, 0o777);
      execFileSync('chown', ['postgres', this.dir]);
    }
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/mpc_chaos`;
  }

  private run(cmd: string, args: string[]): void {
    const [exe, ...rest] = [...this.asUser, join(this.bin, cmd), ...args];
    execFileSync(exe!, rest, { stdio: 'pipe' });
  }

  async init(): Promise<void> {
    onAbort(() => {
      try {
        this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      rmSync(this.dir, { recursive: true, force: true });
    });
    this.run('initdb', [
      '-D',
      join(this.dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await this.start();
  }

  async start(): Promise<void> {
    this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=200 -c fsync=off`,
      'start',
    ]);
  }

  /** mode immediate: like a crash (recovery from the WAL on start); fast: connections cut, clean shutdown. */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  async close(): Promise<void> {
    try {
      await this.stop('fast');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
