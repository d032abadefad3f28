import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { SecretBox } from '@mpc/db';
import type { Queues } from '@mpc/queue';
import type { RequestHandler } from 'express';
import { authenticate, BOARD_COOKIE, sealSession } from './http/auth';
import { problems } from './http/problem';
import type { ApiKeyRepository } from './repositories/api-keys';

export const BOARD_PATH = '/admin/queues';
const COOKIE_MAX_AGE_S = 8 * 3600;

function board(queues: Queues, readOnlyMode: boolean) {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [queues.collect, queues.export, queues.control].map(
      (q) => new BullMQAdapter(q as never, { readOnlyMode, allowRetries: !readOnlyMode }),
    ),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'mpc queues (read-only)' : 'mpc queues' } },
  });
  return adapter.getRouter() as RequestHandler;
}

/**
 * Bull Board behind the same API keys: viewers get a read-only board (the server refuses its
 * write routes), admins a board that may retry, clean and promote jobs.
 *
 * A browser cannot send a Bearer header, so `/admin/queues?key=<api key>` once checks the key,
 * sets an HttpOnly, SameSite=Strict session cookie scoped to /admin/queues (a sealed key id with
 * an 8 h expiry, never the key itself) and redirects to the URL without the key so it does not
 * stay in the address bar. Bearer headers work too (curl).
 */
export function bullBoardMiddleware(
  queues: Queues,
  keys: ApiKeyRepository,
  secrets: SecretBox,
): RequestHandler[] {
  const adminBoard = board(queues, false);
  const viewerBoard = board(queues, true);
  const auth = authenticate(keys, { session: secrets });
  const loginWithQueryKey: RequestHandler = async (req, res, next) => {
    const key = typeof req.query.key === 'string' ? req.query.key : undefined;
    if (key === undefined) return next();
    const found = key.length <= 200 ? await keys.authenticate(key) : null;
    if (!found) return next(problems.unauthorized('unknown or revoked API key'));
    const secure = req.secure ? '; Secure' : '';
    res.setHeader(
      'Set-Cookie',
      `${BOARD_COOKIE}=${encodeURIComponent(sealSession(secrets, found.id, COOKIE_MAX_AGE_S))}; Path=${BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}${secure}`,
    );
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.delete('key');
    res.redirect(303, url.pathname + url.search);
  };
  const dispatch: RequestHandler = (req, res, next) => {
    if (req.apiKey?.role === 'admin') return adminBoard(req, res, next);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return next(
        problems.forbidden(`key "${req.apiKey?.name}" is a viewer: the queue board is read-only for it`),
      );
    }
    return viewerBoard(req, res, next);
  };
  return [loginWithQueryKey, auth, dispatch];
}
