import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import { BOARD_PATH, bullBoardMiddleware } from './bull-board';
import type { AppDeps } from './deps';
import { authenticate, requireRole } from './http/auth';
import { httpMetrics } from './http/metrics';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem';
import { RedisWithMemoryFallbackStore } from './http/rate-limit-store';
import { createRouter } from './http/route';
import { createOpenApiRegistry, generateDocument } from './openapi';
import { apiKeyRepository } from './repositories/api-keys';
import { adminRoutes } from './routes/admin';
import { connectionRoutes } from './routes/connections';
import { logRoutes } from './routes/logs';
import { profileRoutes } from './routes/profiles';
import { settingsRoutes } from './routes/settings';
import { systemRoutes } from './routes/system';

export type { AppDeps } from './deps';

/** Builds the express app; no listening, no process hooks (tests drive it with supertest). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(httpMetrics(deps.metrics));
  app.use(requestLog(deps));
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  if (deps.config.corsOrigins.length) {
    app.use(
      cors({
        origin: deps.config.corsOrigins,
        allowedHeaders: ['Authorization', 'Content-Type'],
        maxAge: 600,
      }),
    );
  }
  app.use(
    express.json({
      limit: deps.config.bodyLimit ?? '100kb',
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  );

  const keys = apiKeyRepository(deps.prisma);
  const limiter = rateLimit({
    windowMs: 60_000,
    // counters shared by every api replica (Redis), in memory while Redis is unavailable
    store: new RedisWithMemoryFallbackStore({
      redis: deps.redis,
      prefix: `${deps.config.redisKeyPrefix ?? 'mpc'}:api-rl:`,
      logger: deps.logger,
      ...deps.config.rateLimitStore,
    }),
    limit: deps.config.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `key-${req.apiKey?.id ?? 'anonymous'}`,
    handler: (req, res, _next, options) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
      sendProblem(
        res,
        options.statusCode,
        'rate-limited',
        `rate limit of ${deps.config.rateLimitPerMinute} requests per minute for this API key exceeded; retry in ${retryAfter} s`,
        [],
        {
          'Retry-After': String(retryAfter),
        },
      );
    },
  });
  const auth = authenticate(keys);
  const registry = createOpenApiRegistry();
  const route = createRouter(app, registry, {
    viewer: [auth, limiter],
    admin: [auth, limiter, requireRole('admin')],
  });

  let document: ReturnType<typeof generateDocument> | undefined;
  const getDocument = () => {
    document ??= generateDocument(registry);
    return document;
  };
  systemRoutes(route, deps, getDocument);
  connectionRoutes(route, deps);
  profileRoutes(route, deps);
  settingsRoutes(route, deps);
  logRoutes(route, deps);
  adminRoutes(route, deps);

  app.use('/docs', swaggerUi.serve, swaggerUi.setup(getDocument(), { customSiteTitle: 'mpc API' }));
  app.use(BOARD_PATH, ...bullBoardMiddleware(deps.queues, keys, deps.secrets));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Correlates a request's log lines (and the caller's) through X-Request-Id. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  req.id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};

/** One line per request: method, route path (never the query string: it may carry a key), status, duration, key name. */
function requestLog(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.http('request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - start) / 1000n) / 1000,
        apiKeyName: req.apiKey?.name,
        requestId: req.id,
      });
    });
    next();
  };
}
