import type { Logger } from '@mpc/runtime';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';

/** One field-level problem: a dotted path (`body.orderStatus.statusMapping[2].plentyStatusId`) and an actionable message. */
export interface FieldError {
  path: string;
  message: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An error the client can act on; rendered as RFC 9457 application/problem+json. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'the request is invalid; see errors for each field') =>
    new ProblemError(400, 'validation-error', detail, errors),
  unprocessable: (detail: string, errors: FieldError[] = [], extra: Record<string, unknown> = {}) =>
    new ProblemError(422, 'unprocessable', detail, errors, {}, extra),
  notFound: (detail: string) => new ProblemError(404, 'not-found', detail),
  conflict: (detail: string, extra: Record<string, unknown> = {}) =>
    new ProblemError(409, 'conflict', detail, [], {}, extra),
  unauthorized: (detail: string) =>
    new ProblemError(401, 'unauthorized', detail, [], { 'WWW-Authenticate': 'Bearer realm="mpc-api"' }),
  forbidden: (detail: string) => new ProblemError(403, 'forbidden', detail),
  unavailable: (detail: string) => new ProblemError(503, 'service-unavailable', detail),
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

export function problemBody(
  status: number,
  slug: string,
  detail: string,
  errors: FieldError[] = [],
  extra = {},
) {
  return {
    type: `urn:mpc:problem:${slug}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    errors,
    ...extra,
  };
}

export function sendProblem(
  res: Parameters<RequestHandler>[1],
  status: number,
  slug: string,
  detail: string,
  errors: FieldError[] = [],
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  res
    .status(status)
    .set(headers)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(status, slug, detail, errors, extra)));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'not-found', `no route ${req.method} ${req.path}`);
};

interface PrismaLikeError {
  code?: string;
  meta?: Record<string, unknown>;
  name?: string;
}

/**
 * Maps every error to a problem. Body-parser errors (malformed JSON, too large, wrong charset) and
 * Prisma's not-found/unique/foreign-key errors are the client's; anything else is logged as a 500
 * without internals in the response.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof ProblemError) {
      return sendProblem(res, err.status, err.slug, err.message, err.errors, err.headers, err.extra);
    }
    const e = err as {
      type?: string;
      status?: number;
      statusCode?: number;
      message?: string;
    } & PrismaLikeError;
    // body-parser
    if (e.type === 'entity.parse.failed') {
      return sendProblem(res, 400, 'malformed-json', `the request body is not valid JSON: ${e.message}`, [
        { path: 'body', message: 'malformed JSON' },
      ]);
    }
    if (e.type === 'entity.too.large') {
      return sendProblem(
        res,
        413,
        'payload-too-large',
        `the request body exceeds the limit of ${(e as { limit?: number }).limit ?? '?'} bytes`,
      );
    }
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
      return sendProblem(res, 415, 'unsupported-media-type', e.message ?? 'unsupported charset or encoding');
    }
    if (
      e.type === 'request.aborted' ||
      e.type === 'request.size.invalid' ||
      e.type === 'stream.encoding.set'
    ) {
      return sendProblem(res, 400, 'bad-request', e.message ?? 'bad request');
    }
    if (e.code === 'P2025')
      return sendProblem(
        res,
        404,
        'not-found',
        'the requested record does not exist (it may just have been deleted)',
      );
    if (e.code === 'P2002')
      return sendProblem(res, 409, 'conflict', 'a record with the same unique values already exists');
    if (e.code === 'P2003')
      return sendProblem(
        res,
        409,
        'conflict',
        'the record is still referenced by, or references, another record',
      );
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(res, status, 'bad-request', e.message ?? 'bad request');
    }
    logger.error('request failed', { method: req.method, path: req.path, requestId: req.id, err });
    return sendProblem(res, 500, 'internal-error', 'an internal error occurred; it has been logged');
  };
}
