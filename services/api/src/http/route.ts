import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { problemSchema, problems } from './problem';
import { parseOrThrow } from './validate';

export type Access = 'public' | 'viewer' | 'admin';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** express-style path: /api/v1/profiles/:id */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** success responses: status → schema (or a description-only response) */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  handler: (ctx: {
    req: Request;
    res: Response;
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
  }) => Promise<RouteResult | undefined> | RouteResult | undefined;
}

export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/**
 * Registers one route on express AND in the OpenAPI registry from the same zod schemas, so the
 * document cannot drift from what the server validates.
 */
export function createRouter(
  app: Express,
  registry: OpenAPIRegistry,
  guards: Record<Exclude<Access, 'public'>, RequestHandler[]>,
) {
  return function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    def: RouteDef<P, Q, B>,
  ) {
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, r] of Object.entries(def.responses)) {
      responses[status] = r.schema
        ? {
            description: r.description,
            content: { [r.contentType ?? 'application/json']: { schema: r.schema } },
          }
        : { description: r.description };
    }
    responses['400'] ??= problemResponse('invalid request: see errors[] for each field');
    if (def.access !== 'public') {
      responses['401'] = problemResponse('missing, unknown or revoked API key');
      responses['429'] = problemResponse('rate limit of this API key exceeded');
    }
    if (def.access === 'admin') responses['403'] = problemResponse('the API key is not an admin key');
    if (def.params) responses['404'] ??= problemResponse('not found');
    if (def.body) responses['413'] = problemResponse('request body too large');
    registry.registerPath({
      method: def.method,
      path: toOpenApiPath(def.path),
      summary: def.summary,
      description: def.description,
      tags: [def.tag],
      security: def.access === 'public' ? [] : [{ bearerAuth: [] }],
      request: {
        params: def.params as never,
        query: def.query as never,
        body: def.body
          ? { required: true, content: { 'application/json': { schema: def.body } } }
          : undefined,
      },
      responses,
    });
    const handler: RequestHandler = async (req, res) => {
      const params = def.params ? parseOrThrow(def.params, req.params, 'params') : ({} as z.infer<P>);
      const query = def.query
        ? parseOrThrow(def.query, { ...(req.query as object) }, 'query')
        : ({} as z.infer<Q>);
      if (!def.query && Object.keys(req.query as object).length && def.access !== 'public') {
        parseOrThrow(z.strictObject({}), { ...(req.query as object) }, 'query');
      }
      let body = undefined as z.infer<B>;
      if (def.body) {
        if (req.body === undefined) {
          throw problems.validation(
            [{ path: 'body', message: 'a JSON body is required (Content-Type: application/json)' }],
            'the request has no JSON body',
          );
        }
        body = parseOrThrow(def.body, req.body, 'body');
      }
      const result = (await def.handler({ req, res, params, query, body })) ?? {};
      if (res.headersSent) return;
      if (result.headers) res.set(result.headers);
      res.status(result.status ?? 200);
      if (result.body === undefined) res.end();
      else res.json(result.body);
    };
    const chain = def.access === 'public' ? [] : guards[def.access];
    app[def.method](def.path, ...chain, handler);
  };
}
export type Route = ReturnType<typeof createRouter>;
