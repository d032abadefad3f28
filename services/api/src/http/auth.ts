import type { ApiKeyRole, SecretBox } from '@mpc/db';
import type { Request, RequestHandler } from 'express';
import type { ApiKeyRepository, AuthenticatedKey } from '../repositories/api-keys';
import { problems } from './problem';

declare global {
  namespace Express {
    interface Request {
      apiKey?: AuthenticatedKey;
      /** X-Request-Id of the request (the caller's, when it is a sane token, else a new UUID) */
      id?: string;
    }
  }
}

export const BOARD_COOKIE = 'mpc_board_key';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function bearerToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/**
 * Board session cookie: AES-256-GCM sealed {api key id, expiry} (SecretBox), so the cookie never
 * carries the key itself; revoking the key ends the session at the next request.
 */
export function sealSession(secrets: SecretBox, keyId: number, ttlSeconds: number): string {
  return secrets.encrypt(JSON.stringify({ k: keyId, e: Date.now() + ttlSeconds * 1000 }));
}

export function openSession(secrets: SecretBox, cookie: string): number | null {
  try {
    const v = JSON.parse(secrets.decrypt(cookie)) as { k?: unknown; e?: unknown };
    if (typeof v.k === 'number' && typeof v.e === 'number' && v.e > Date.now()) return v.k;
  } catch {
    // tampered, sealed with a key we no longer have, or garbage
  }
  return null;
}

/**
 * 401 when the key is missing, unknown or revoked (with WWW-Authenticate); the key comes from the
 * Authorization header, or for Bull Board also from its session cookie (see bull-board.ts).
 */
export function authenticate(keys: ApiKeyRepository, opts: { session?: SecretBox } = {}): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const key = bearerToken(req);
    if (header && !key)
      return next(problems.unauthorized('the Authorization header must be "Bearer <api key>"'));
    if (!key && opts.session) {
      const cookie = readCookie(req, BOARD_COOKIE);
      const keyId = cookie ? openSession(opts.session, cookie) : null;
      const found = keyId ? await keys.byId(keyId) : null;
      if (found) {
        req.apiKey = found;
        return next();
      }
    }
    if (!key) return next(problems.unauthorized('missing API key: send "Authorization: Bearer <api key>"'));
    if (key.length > 200) return next(problems.unauthorized('unknown or revoked API key'));
    const found = await keys.authenticate(key);
    if (!found) return next(problems.unauthorized('unknown or revoked API key'));
    req.apiKey = found;
    next();
  };
}

/** Viewers read, admins write: a viewer on a write route gets 403 (it is authenticated, just not allowed). */
export function requireRole(role: ApiKeyRole): RequestHandler {
  return (req, _res, next) => {
    if (role === 'admin' && req.apiKey?.role !== 'admin') {
      return next(
        problems.forbidden(
          `this action needs an admin API key; key "${req.apiKey?.name}" is a ${req.apiKey?.role}`,
        ),
      );
    }
    next();
  };
}
