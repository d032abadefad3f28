import { redisReadiness, runReadinessChecks } from '@mpc/runtime';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { queueMetricsText } from '../http/queue-metrics';
import type { Route } from '../http/route';

export function systemRoutes(route: Route, deps: AppDeps, getDocument: () => unknown) {
  route({
    method: 'get',
    path: '/healthz',
    tag: 'system',
    access: 'public',
    summary: 'Liveness: the process answers (never depends on Redis/Postgres)',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
    handler: () => ({ body: { status: 'ok' } }),
  });

  route({
    method: 'get',
    path: '/readyz',
    tag: 'system',
    access: 'public',
    summary: 'Readiness: Redis and Postgres reachable (200) or not (503)',
    responses: {
      200: {
        description: 'ready',
        schema: z
          .object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) })
          .meta({ id: 'Readiness' }),
      },
      503: { description: 'not ready (same body)' },
    },
    handler: async () => {
      // a draining instance leaves the load balancer before it stops answering
      if (deps.shuttingDown?.())
        return { status: 503, body: { ready: false, checks: { shutdown: 'shutting down' } } };
      const r = await runReadinessChecks({
        postgres: async () => {
          await deps.prisma.$queryRaw`SELECT 1`;
        },
        redis: redisReadiness(deps.redis),
      });
      return { status: r.ready ? 200 : 503, body: r };
    },
  });

  route({
    method: 'get',
    path: '/metrics',
    tag: 'system',
    access: 'public',
    summary: 'Prometheus metrics (the process, HTTP requests and BullMQ job counts per queue and state)',
    responses: {
      200: {
        description: 'metrics in the Prometheus text format',
        schema: z.string(),
        contentType: 'text/plain',
      },
    },
    handler: async ({ res }) => {
      const [own, queues] = await Promise.all([
        deps.metrics.metrics(),
        queueMetricsText(deps.queues, { service: deps.config.serviceName ?? 'api' }, deps.logger),
      ]);
      res
        .type(deps.metrics.contentType)
        .send(own.endsWith('\n') || !own ? own + queues : `${own}\n${queues}`);
      return undefined;
    },
  });

  route({
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'system',
    access: 'public',
    summary:
      'This OpenAPI 3.1 document (public: the API shape is no secret and Swagger UI must load it without a key)',
    responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
    handler: () => ({ body: getDocument() }),
  });
}
