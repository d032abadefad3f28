import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

export interface HealthServer {
  port: number;
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
}): Promise<HealthServer> {
  const server: Server = createServer(async (req, res) => {
    const url = req.url?.split('?')[0];
    if (url === '/healthz') {
      const alive = opts.isAlive ? opts.isAlive() : true;
      res.writeHead(alive ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: alive ? 'ok' : 'down' }));
    } else if (url === '/readyz') {
      const result = await runReadinessChecks(opts.checks);
      res.writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } else if (url === '/metrics' && opts.registry) {
      res.writeHead(200, { 'content-type': opts.registry.contentType });
      res.end(await opts.registry.metrics());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function runReadinessChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = 2000,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, (err as Error).message] as const;
      }
    }),
  );
  return { ready: entries.every(([, s]) => s === 'ok'), checks: Object.fromEntries(entries) };
}
