import type { Router } from 'express';
import { z } from 'zod';
import type { PlentyContext } from '../context';

const planSchema = z.union([
  z.enum(['basic', 'classic', 'flex', 'plus', 'sandbox']),
  z.object({
    readPerWindow: z.number().int().positive(),
    writePerWindow: z.number().int().positive(),
    windowSeconds: z.number().positive(),
    longReadPerDay: z.number().int().positive().optional(),
    longWritePerDay: z.number().int().positive().optional(),
    longWindowSeconds: z.number().positive().optional(),
  }),
]);
const scripted = z.object({
  route: z.string().optional(),
  kind: z.enum(['5xx', 'timeout', 'drop', '429']),
  phase: z.enum(['before', 'after']).optional(),
  status: z.number().int().min(500).max(599).optional(),
  times: z.number().int().positive().optional(),
  skip: z.number().int().min(0).optional(),
});
const rate = z.number().min(0).max(1);
export const faultConfigSchema = z.object({
  error5xxRate: rate.optional(),
  error5xxStatuses: z.array(z.number().int().min(500).max(599)).optional(),
  timeoutRate: rate.optional(),
  dropRate: rate.optional(),
  faultAfterWriteRatio: rate.optional(),
  routes: z.array(z.string()).optional(),
  outage: z
    .object({
      startsAt: z.union([z.number(), z.string()]).optional(),
      endsAt: z.union([z.number(), z.string()]).optional(),
      durationMs: z.number().positive().optional(),
      mode: z.enum(['503', 'refused']).optional(),
    })
    .nullable()
    .optional(),
  burst429: z
    .object({
      count: z.number().int().positive().optional(),
      durationMs: z.number().positive().optional(),
      retryAfterSeconds: z.number().int().min(0).optional(),
    })
    .nullable()
    .optional(),
  scripted: z.array(scripted).optional(),
});
export const runtimeConfigSchema = z.object({
  faults: faultConfigSchema.optional(),
  latencyMs: z.number().min(0).optional(),
  jitterMs: z.number().min(0).optional(),
  plan: planSchema.optional(),
  routeLimits: z
    .record(
      z.string(),
      z.object({ limit: z.number().int().positive(), windowSeconds: z.number().positive() }),
    )
    .optional(),
  tokenLifetimeSeconds: z.number().positive().optional(),
  maxConcurrentSessions: z.number().int().positive().nullable().optional(),
});
export type PlentyRuntimeConfig = z.infer<typeof runtimeConfigSchema>;

export function applyRuntimeConfig(ctx: PlentyContext, c: PlentyRuntimeConfig): void {
  if (c.faults) ctx.faults.configure(c.faults);
  if (c.latencyMs !== undefined) ctx.latency.latencyMs = c.latencyMs;
  if (c.jitterMs !== undefined) ctx.latency.jitterMs = c.jitterMs;
  if (c.plan !== undefined) ctx.limiter.setPlan(c.plan);
  if (c.routeLimits !== undefined) ctx.limiter.routeLimits = c.routeLimits;
  if (c.tokenLifetimeSeconds !== undefined) ctx.auth.tokenLifetimeSeconds = c.tokenLifetimeSeconds;
  if (c.maxConcurrentSessions !== undefined)
    ctx.auth.maxConcurrentSessions = c.maxConcurrentSessions ?? undefined;
}

/** Sandbox-only routes: state inspection, reset, run-time configuration (no auth, no limits). */
export function sandboxRoutes(r: Router, ctx: PlentyContext, reset: () => void): void {
  r.get('/sandbox/state', (_req, res) => {
    res.json({
      ...ctx.state.snapshot(),
      plan: ctx.limiter.plan,
      faults: { config: ctx.faults.config, injected: ctx.state.faults.toJSON() },
    });
  });
  r.post('/sandbox/reset', (_req, res) => {
    reset();
    res.json({ ok: true });
  });
  r.post('/sandbox/config', (req, res) => {
    const parsed = runtimeConfigSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return res
        .status(400)
        .json({ error: { message: 'invalid sandbox config', issues: parsed.error.issues } });
    applyRuntimeConfig(ctx, parsed.data);
    res.json({ ok: true, plan: ctx.limiter.plan, faults: ctx.faults.config, latency: ctx.latency });
  });
}
