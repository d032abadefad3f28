import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CallCounter, countCalls } from '../util/calls';
import { listen } from '../util/server';
import { MagentoAuth } from './auth';
import type { MagentoContext } from './context';
import { magentoError, NO_ROUTE } from './errors';
import { storeViews } from './fixtures';
import type { GenerateOrdersOptions } from './generator';
import { authRoutes } from './routes/auth';
import { documentRoutes } from './routes/documents';
import { orderRoutes } from './routes/orders';
import { sandboxRoutes } from './routes/sandbox';
import { storeRoutes } from './routes/stores';
import { MagentoStore } from './store';
import { type MagentoOrder, magentoOrdersFileSchema } from './types';

export interface MagentoSandboxOptions {
  port?: number;
  host?: string;
  /** explicit orders, or the seeded generator's options ({ count, seed, ...mix }) */
  orders?: MagentoOrder[] | GenerateOrdersOptions;
  /** a JSON file: an array of orders or `{ items: [...] }` (used when `orders` is absent) */
  ordersFile?: string;
  adminUser?: string;
  adminPassword?: string;
  /** integration access tokens accepted as bearer tokens ("standalone bearer" flag on) */
  integrationTokens?: string[];
  adminTokenLifetimeSeconds?: number;
  /** currentPage past the end returns the last page again (default true); false = empty page */
  repeatLastPageQuirk?: boolean;
  /** turn Magento's input limiting on with this maximum page size */
  maxPageSize?: number;
  /** clock (ms since epoch) for token expiry and timestamps */
  now?: () => number;
}

export interface MagentoSandbox {
  url: string;
  port: number;
  store: MagentoStore;
  calls: CallCounter;
  close(): Promise<void>;
}

export function loadOrdersFile(path: string): MagentoOrder[] {
  return magentoOrdersFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) as MagentoOrder[];
}

export function createMagentoApp(opts: MagentoSandboxOptions, baseUrl: () => string) {
  const now = opts.now ?? Date.now;
  const orders = opts.orders ?? (opts.ordersFile ? loadOrdersFile(opts.ordersFile) : undefined);
  const store = new MagentoStore({ orders, now });
  const ctx: MagentoContext = {
    store,
    auth: new MagentoAuth({
      adminUser: opts.adminUser ?? 'admin',
      adminPassword: opts.adminPassword ?? 'admin123',
      integrationTokens: opts.integrationTokens ?? ['sandbox-integration-token'],
      adminTokenLifetimeSeconds: opts.adminTokenLifetimeSeconds ?? 4 * 3600,
      now,
    }),
    calls: new CallCounter(),
    repeatLastPageQuirk: opts.repeatLastPageQuirk ?? true,
    maxPageSize: opts.maxPageSize,
    now,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  // /rest/<store_code>/V1/... → /rest/V1/... (admin routes ignore the store scope)
  const codes = new Set(['default', 'all', ...storeViews.map((s) => s.code)]);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^\/rest\/([^/?]+)\/V1\//.exec(req.url);
    if (m && m[1] !== 'V1') {
      if (!codes.has(m[1]!)) return magentoError(res, 404, NO_ROUTE);
      req.url = `/rest/V1/${req.url.slice(m[0].length)}`;
    }
    next();
  });
  app.use(countCalls(ctx.calls, (req) => req.path.startsWith('/sandbox/')));
  app.use(express.json({ limit: '50mb' }));
  const r = express.Router();
  authRoutes(r, ctx);
  orderRoutes(r, ctx);
  documentRoutes(r, ctx);
  storeRoutes(r, ctx, baseUrl);
  sandboxRoutes(r, ctx);
  app.use(r);
  app.use((_req: Request, res: Response) => magentoError(res, 404, NO_ROUTE));
  app.use(
    (err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      if (err.type === 'entity.parse.failed') return magentoError(res, 400, 'Decoding error.');
      magentoError(
        res,
        err.status && err.status < 500 ? err.status : 500,
        err.status && err.status < 500
          ? err.message
          : 'Internal Error. Details are available in Magento log file. Report ID: webapi-sandbox',
      );
    },
  );
  return { app, ctx };
}

/** Starts the Magento 2 REST simulator on 127.0.0.1 (port 0 = any free port). */
export async function startMagentoSandbox(opts: MagentoSandboxOptions = {}): Promise<MagentoSandbox> {
  let url = '';
  const { app, ctx } = createMagentoApp(opts, () => url);
  const running = await listen(app, opts.port ?? 0, opts.host ?? '127.0.0.1');
  url = running.url;
  return { url, port: running.port, store: ctx.store, calls: ctx.calls, close: running.close };
}
