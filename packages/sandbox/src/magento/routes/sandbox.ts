import type { Router } from 'express';
import { z } from 'zod';
import type { MagentoContext } from '../context';
import { magentoError, NOT_FOUND_ENTITY } from '../errors';

const generateSchema = z.object({
  generate: z.looseObject({
    count: z.number().int().positive().max(1_000_000),
    seed: z.number().int().optional(),
  }),
});
const patchSchema = z.looseObject({
  status: z.string().optional(),
  state: z.string().optional(),
  updated_at: z.string().optional(),
});

/** Sandbox-only control routes (no auth): add and change orders, read the state. */
export function sandboxRoutes(r: Router, ctx: MagentoContext): void {
  r.get('/sandbox/state', (_req, res) => {
    res.json({ ...ctx.store.summary(), calls: ctx.calls.toJSON() });
  });

  // body: one order, an array of orders, `{items:[...]}`, or `{generate:{count, seed?, ...mix}}`
  r.post('/sandbox/orders', (req, res) => {
    const body = req.body as unknown;
    const gen = generateSchema.safeParse(body);
    try {
      if (gen.success) {
        const startDate = new Date(ctx.now());
        const ids = ctx.store.addGenerated({
          seed: ctx.now() % 2147483647,
          startDate,
          intervalMinutes: 0.01,
          ...gen.data.generate,
        });
        return res.status(201).json({ ids, orders: ids.map((id) => ctx.store.getOrder(id)) });
      }
      const list = Array.isArray(body) ? body : ((body as { items?: unknown[] })?.items ?? [body]);
      const orders = ctx.store.addOrders(list);
      res.status(201).json({ ids: orders.map((o) => o.entity_id), orders });
    } catch (e) {
      if (e instanceof z.ZodError)
        return res.status(400).json({ message: 'invalid order', issues: e.issues });
      throw e;
    }
  });

  r.patch('/sandbox/orders/:id', (req, res) => {
    const p = patchSchema.safeParse(req.body ?? {});
    if (!p.success) return res.status(400).json({ message: 'invalid patch', issues: p.error.issues });
    const order = ctx.store.patchOrder(Number(req.params.id), p.data);
    if (!order) return magentoError(res, 404, NOT_FOUND_ENTITY);
    res.json(order);
  });

  r.post('/sandbox/reset-calls', (_req, res) => {
    ctx.calls.reset();
    res.json({ ok: true });
  });
}
