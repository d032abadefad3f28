import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

/** How long one readiness check may take: below the probes' `timeoutSeconds` (3 s). */
export const READINESS_TIMEOUT_MS = 2000;

export interface HealthServer {
  port: number;
  /** /readyz answers 503 from now on (called when a graceful shutdown starts) */
  markShuttingDown(): void;
  close(): Promise<void>;
}

/**
 * Small HTTP server for worker services: /healthz (process alive, event loop turning),
 * /readyz (Redis and Postgres reachable), /metrics (Prometheus).
 * Liveness never depends on Redis or Postgres: a shared outage must not restart every pod.
 */
export async function startHealthServer(opts: {
  port: number;
  host?: string;
  checks: Record<string, ReadinessCheck>;
  registry?: Registry;
  isAlive?: () => boolean;
  checkTimeoutMs?: number;
}): Promise<HealthServer> {
  let shuttingDown = false;
  const server: Server = createServer(async (req, res) => {
    const url = req.url?.split('?')[0];
    try {
      if (url === '/healthz') {
        const alive = opts.isAlive ? opts.isAlive() : true;
        res.writeHead(alive ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: alive ? 'ok' : 'down' }));
      } else if (url === '/readyz') {
        const result = shuttingDown
          ? { ready: false, checks: { shutdown: 'shutting down' } }
          : await runReadinessChecks(opts.checks, opts.checkTimeoutMs);
        res.writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      } else if (url === '/metrics' && opts.registry) {
        const text = await opts.registry.metrics();
        res.writeHead(200, { 'content-type': opts.registry.contentType });
        res.end(text);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
      }
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (err as Error).message }));
    }
  });
  // keep-alive sockets of a scraper must not hold close() up during shutdown
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Runs every check at once, each bounded by `timeoutMs`: a dead dependency answers "not ready", never a hang. */
export async function runReadinessChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
            timer.unref();
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, (err as Error).message || String(err)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, s]) => s === 'ok'), checks: Object.fromEntries(entries) };
}

/** The part of an ioredis client a readiness check needs. */
export interface PingableRedis {
  status: string;
  ping(): Promise<unknown>;
  once?(event: 'close', listener: () => void): unknown;
  off?(event: 'close', listener: () => void): unknown;
}

/**
 * Redis readiness that fails fast: a worker connection (maxRetriesPerRequest null, offline queue)
 * would hold a PING until Redis returns, so a connection that is not `ready` (reconnecting,
 * connecting, closed) is reported at once, and a PING in flight when the connection drops fails
 * with the drop (it is not left to the check timeout).
 */
export function redisReadiness(redis: PingableRedis): ReadinessCheck {
  return () => {
    if (redis.status !== 'ready') return Promise.reject(new Error(`redis connection is ${redis.status}`));
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new Error('redis connection lost'));
      redis.once?.('close', onClose);
      redis.ping().then(
        () => {
          redis.off?.('close', onClose);
          resolve();
        },
        (err: Error) => {
          redis.off?.('close', onClose);
          reject(err);
        },
      );
    });
  };
}
