import type { NextFunction, Request, Response, Router } from 'express';
import { toTemplate } from '../util/calls';
import type { HangingResponses } from '../util/server';
import type { PlentyAuth } from './auth';
import type { FaultDecision, Faults } from './faults';
import { plentyError } from './http';
import type { RateLimiter } from './rate-limit';
import type { PlentyState } from './state';

export interface PlentyContext {
  state: PlentyState;
  auth: PlentyAuth;
  limiter: RateLimiter;
  faults: Faults;
  hanging: HangingResponses;
  latency: { latencyMs: number; jitterMs: number };
  rng: () => number;
  now: () => number;
}

export type Handler = (req: Request, res: Response, user: string) => void | Promise<void>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bearer(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

function applyFault(
  ctx: PlentyContext,
  req: Request,
  res: Response,
  f: FaultDecision,
  send: (body: unknown) => unknown,
) {
  switch (f.kind) {
    case '5xx':
      res.status(f.status);
      send({
        error: {
          message: f.status === 503 ? 'Service Unavailable' : 'Internal Server Error',
          code: f.status,
        },
      });
      return;
    case 'timeout':
      ctx.hanging.add(res);
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case '429':
      res.set('Retry-After', String(f.retryAfterSeconds ?? 1));
      res.set(
        'X-Plenty-Global-Short-Period-Calls-Reset',
        String(Math.floor(ctx.now() / 1000) + (f.retryAfterSeconds ?? 1)),
      );
      res.status(429);
      send({ error: { message: 'Too Many Requests', code: 429 } });
  }
}

/**
 * Registers one Plenty route with the full pipeline: route template (for call counts), latency,
 * bearer auth, 429 bursts, rate limit headers/429, faults before or after the handler's write.
 */
export function route(
  r: Router,
  ctx: PlentyContext,
  method: Method,
  path: string,
  handler: Handler,
  opts: { auth?: boolean; limit?: boolean } = {},
): void {
  const template = `${method.toUpperCase()} ${toTemplate(path)}`;
  const write = method !== 'get';
  r[method](path, async (req: Request, res: Response, next: NextFunction) => {
    res.locals.routeTemplate = toTemplate(path);
    const { latencyMs, jitterMs } = ctx.latency;
    const delay = latencyMs + (jitterMs ? Math.round(ctx.rng() * jitterMs) : 0);
    if (delay > 0) await sleep(delay);
    let user = 'anonymous';
    if (opts.auth !== false) {
      const u = ctx.auth.check(bearer(req));
      if (!u) return plentyError(res, 401, 'Unauthenticated.');
      user = u;
    }
    const fault = ctx.faults.decide(template, write);
    if (fault?.kind === '429') {
      ctx.state.throttled.count(template, 429);
      return applyFault(ctx, req, res, fault, (b) => res.json(b));
    }
    if (opts.limit !== false) {
      const d = ctx.limiter.check(user, write, template);
      res.set(d.headers);
      if (!d.allowed) {
        ctx.state.throttled.count(template, 429);
        return plentyError(res, 429, 'Too Many Requests');
      }
    }
    if (fault) {
      ctx.state.faults.count(`${template} ${fault.kind}:${fault.phase}`, fault.status);
      if (fault.phase === 'before') return applyFault(ctx, req, res, fault, (b) => res.json(b));
      // after: let the handler apply the write, then lose its answer
      const json = res.json.bind(res);
      res.json = ((body: unknown) => {
        if (res.statusCode >= 200 && res.statusCode < 300) applyFault(ctx, req, res, fault, json);
        else json(body);
        return res;
      }) as typeof res.json;
    }
    try {
      await handler(req, res, user);
    } catch (e) {
      next(e);
    }
  });
}
