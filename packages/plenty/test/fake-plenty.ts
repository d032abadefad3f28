import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';

/**
 * A tiny, scriptable Plenty stand-in for client tests (the full simulator lives in @mpc/sandbox).
 * Tokens, login counting, optional fixed-window rate limit with Plenty's headers, route handlers.
 */
export interface FakePlentyOptions {
  expiresIn?: number;
  loginDelayMs?: number;
  /** login answer override */
  loginResponse?: (req: Request, res: Response) => boolean;
  rateLimit?: { limit: number; windowMs: number };
}

export interface FakePlenty {
  url: string;
  app: express.Express;
  logins: number;
  refreshes: number;
  calls: { method: string; path: string; at: number; status: number; auth?: string; body?: unknown }[];
  validTokens: Set<string>;
  /** 429s sent by the rate limit */
  tooMany: number;
  close(): Promise<void>;
}

export async function startFakePlenty(opts: FakePlentyOptions = {}): Promise<FakePlenty> {
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  let n = 0;
  const state: FakePlenty = {
    url: '',
    app,
    logins: 0,
    refreshes: 0,
    calls: [],
    validTokens: new Set(),
    tooMany: 0,
    close: async () => {},
  };
  const issue = () => {
    n++;
    const access = `access-${n}`;
    state.validTokens.add(access);
    const expiresIn = opts.expiresIn ?? 86400;
    return {
      token_type: 'Bearer',
      expires_in: expiresIn,
      access_token: access,
      refresh_token: `refresh-${n}`,
      tokenType: 'Bearer',
      expiresIn,
      accessToken: access,
      refreshToken: `refresh-${n}`,
    };
  };
  app.post('/rest/login', async (req, res) => {
    state.logins++;
    if (opts.loginDelayMs) await new Promise((r) => setTimeout(r, opts.loginDelayMs));
    if (opts.loginResponse?.(req, res)) return;
    if (req.body?.username !== 'api' || req.body?.password !== 'secret') {
      res.status(401).json({ error: 'invalid_credentials' });
      return;
    }
    res.json(issue());
  });
  app.post('/rest/login/refresh', (req, res) => {
    state.refreshes++;
    const auth = req.headers.authorization?.replace('Bearer ', '') ?? '';
    if (!state.validTokens.has(auth) || !String(req.body?.refresh_token ?? '').startsWith('refresh-')) {
      res.status(401).json({ error: { message: 'Unauthenticated.' } });
      return;
    }
    res.json(issue());
  });
  // rate limit + auth for everything else
  let windowStart = Date.now();
  let used = 0;
  app.use('/rest', (req, res, next) => {
    const rec: FakePlenty['calls'][number] = {
      method: req.method,
      path: req.originalUrl,
      at: Date.now(),
      status: 0,
      auth: req.headers.authorization,
      body: req.body,
    };
    state.calls.push(rec);
    res.on('finish', () => {
      rec.status = res.statusCode;
    });
    const token = req.headers.authorization?.replace('Bearer ', '') ?? '';
    if (!state.validTokens.has(token)) {
      res.status(401).json({ error: { message: 'Unauthenticated.', code: 401 } });
      return;
    }
    const rl = opts.rateLimit;
    if (rl) {
      const now = Date.now();
      if (now >= windowStart + rl.windowMs) {
        windowStart = now;
        used = 0;
      }
      const decay = Math.max(1, Math.ceil((windowStart + rl.windowMs - now) / 1000));
      res.setHeader('X-Plenty-Global-Short-Period-Limit', rl.limit);
      res.setHeader('X-Plenty-Global-Short-Period-Decay', decay);
      res.setHeader('X-Plenty-Global-Long-Period-Limit', 100000);
      res.setHeader('X-Plenty-Global-Long-Period-Calls-Left', 90000);
      res.setHeader('X-Plenty-Global-Long-Period-Decay', 80000);
      if (used >= rl.limit) {
        state.tooMany++;
        res.setHeader('X-Plenty-Global-Short-Period-Calls-Left', 0);
        res.setHeader('Retry-After', decay);
        res.status(429).json({ error: { message: 'Too Many Requests', code: 429 } });
        return;
      }
      used++;
      res.setHeader('X-Plenty-Global-Short-Period-Calls-Left', rl.limit - used);
    }
    next();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // routes registered by tests after start() must still win over the 404 fallback: express 5 keeps order,
  // so tests add routes on `app` before making calls and no fallback is installed here.
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export function page<T>(entries: T[], pageNo: number, perPage: number) {
  const slice = entries.slice((pageNo - 1) * perPage, pageNo * perPage);
  const last = Math.max(1, Math.ceil(entries.length / perPage));
  return {
    page: pageNo,
    totalsCount: entries.length,
    isLastPage: pageNo >= last,
    lastPageNumber: last,
    firstOnPage: (pageNo - 1) * perPage + 1,
    lastOnPage: (pageNo - 1) * perPage + slice.length,
    itemsPerPage: perPage,
    entries: slice,
  };
}
