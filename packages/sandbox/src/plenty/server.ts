import express, { type NextFunction, type Request, type Response } from 'express';
import { type CatalogEntry, defaultCatalog } from '../catalog';
import { countCalls } from '../util/calls';
import { mulberry32 } from '../util/prng';
import { HangingResponses, listen } from '../util/server';
import { PlentyAuth, type PlentyUser } from './auth';
import type { PlentyContext } from './context';
import { type FaultConfig, Faults } from './faults';
import { plentyError } from './http';
import { type PlanLimits, type PlanName, RateLimiter, type RouteLimit } from './rate-limit';
import { authRoutes } from './routes/auth';
import { contactRoutes } from './routes/contacts';
import { itemRoutes } from './routes/items';
import { lookupRoutes } from './routes/lookups';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { applyRuntimeConfig, type PlentyRuntimeConfig, sandboxRoutes } from './routes/sandbox';
import { PlentyState } from './state';

export interface PlentySandboxOptions {
  port?: number;
  host?: string;
  /** default: one user 'api-user' / 'api-pass' */
  users?: PlentyUser[];
  /** default 86400 (24 h) */
  tokenLifetimeSeconds?: number;
  /** 429 too_many_concurrent_sessions at login beyond this many live sessions; default unlimited */
  maxConcurrentSessions?: number;
  /** default 'sandbox' (headers on every answer, limits out of reach); 'classic' etc. for real numbers */
  plan?: PlanName | PlanLimits;
  /** per-route limits ('METHOD /template'), answered with X-Plenty-Route-* headers */
  routeLimits?: Record<string, RouteLimit>;
  latencyMs?: number;
  jitterMs?: number;
  faults?: FaultConfig;
  /** variations by SKU; default: every SKU the order generator can produce (see defaultCatalog) */
  catalog?: CatalogEntry[];
  /** seed of fault and jitter decisions */
  seed?: number;
  now?: () => number;
}

export interface PlentySandbox {
  url: string;
  port: number;
  /** everything created, lookups, counters (read it; change it only to set up a test) */
  state: PlentyState;
  /** forgets created records, counters, sessions and faults (catalogue and plan stay) */
  reset(): void;
  /** changes faults, latency, plan, route limits, token lifetime at run time */
  configure(config: PlentyRuntimeConfig): void;
  close(): Promise<void>;
}

export async function startPlentySandbox(opts: PlentySandboxOptions = {}): Promise<PlentySandbox> {
  const now = opts.now ?? Date.now;
  const host = opts.host ?? '127.0.0.1';
  const users = opts.users ?? [{ username: 'api-user', password: 'api-pass' }];
  const state = new PlentyState(opts.catalog ?? defaultCatalog());
  let refuse: (refusing: boolean) => void = () => {};
  const ctx: PlentyContext = {
    state,
    auth: new PlentyAuth(users, opts.tokenLifetimeSeconds ?? 86_400, opts.maxConcurrentSessions, now),
    limiter: new RateLimiter(opts.plan ?? 'sandbox', opts.routeLimits ?? {}, now),
    faults: new Faults(opts.faults ?? {}, opts.seed ?? 1, now, (r) => refuse(r)),
    hanging: new HangingResponses(),
    latency: { latencyMs: opts.latencyMs ?? 0, jitterMs: opts.jitterMs ?? 0 },
    rng: mulberry32((opts.seed ?? 1) ^ 0x5bd1e995),
    now,
  };
  const reset = () => {
    state.reset();
    ctx.limiter.reset();
    ctx.auth.reset();
    ctx.faults.configure({
      error5xxRate: 0,
      timeoutRate: 0,
      dropRate: 0,
      outage: null,
      burst429: null,
      scripted: [],
    });
    ctx.hanging.destroyAll();
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (ctx.faults.outage503() && !req.path.startsWith('/sandbox/')) {
      state.faults.count(`${req.method} <outage>`, 503);
      return plentyError(res, 503, 'Service Unavailable');
    }
    next();
  });
  app.use(countCalls(state.calls, (req) => req.path.startsWith('/sandbox/')));
  app.use(express.json({ limit: '20mb' }));
  app.use(express.urlencoded({ extended: false }));
  const r = express.Router();
  authRoutes(r, ctx);
  lookupRoutes(r, ctx);
  itemRoutes(r, ctx);
  contactRoutes(r, ctx);
  orderRoutes(r, ctx);
  paymentRoutes(r, ctx);
  sandboxRoutes(r, ctx, reset);
  app.use(r);
  app.use((_req: Request, res: Response) => plentyError(res, 404, 'Route not found.'));
  app.use(
    (err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      if (err.type === 'entity.parse.failed')
        return plentyError(res, 400, 'The request body is not valid JSON.');
      if (err.status && err.status < 500) return plentyError(res, err.status, err.message);
      plentyError(res, 500, 'Internal Server Error');
    },
  );

  const running = await listen(app, opts.port ?? 0, host);
  refuse = (refusing) => {
    if (refusing) {
      if (running.server.listening) running.server.close();
      running.server.closeAllConnections();
    } else if (!running.server.listening && !closed) {
      running.server.listen(running.port, host);
    }
  };
  let closed = false;
  return {
    url: running.url,
    port: running.port,
    state,
    reset,
    configure: (c) => applyRuntimeConfig(ctx, c),
    close: async () => {
      closed = true;
      ctx.faults.dispose();
      ctx.hanging.destroyAll();
      if (running.server.listening) await running.close();
      else running.server.closeAllConnections();
    },
  };
}
