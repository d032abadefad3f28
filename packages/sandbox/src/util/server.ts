import type { Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 = any free port) and closes every open connection on close(). */
export async function listen(app: Express, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    host,
    port: addr.port,
    url: `http://${urlHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Responses that are deliberately never answered (simulated timeouts), destroyed on reset/close. */
export class HangingResponses {
  private readonly open = new Set<ServerResponse>();
  add(res: ServerResponse): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }
  get size(): number {
    return this.open.size;
  }
  destroyAll(): void {
    for (const res of this.open) res.socket?.destroy();
    this.open.clear();
  }
}
