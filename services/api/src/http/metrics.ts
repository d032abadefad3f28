import { prom } from '@mpc/runtime';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';

/** http_request_duration_seconds by route template (never the raw URL: ids would explode cardinality). */
export function httpMetrics(registry: Registry): RequestHandler {
  const name = 'http_request_duration_seconds';
  const histogram =
    (registry.getSingleMetric(name) as prom.Histogram<'method' | 'route' | 'status'> | undefined) ??
    new prom.Histogram({
      name,
      help: 'HTTP request duration in seconds by route, method and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.on('finish', () => {
      const route = req.route?.path
        ? String(req.route.path)
        : req.baseUrl.startsWith('/admin/queues')
          ? '/admin/queues'
          : req.baseUrl.startsWith('/docs')
            ? '/docs'
            : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
