import type { Request, Router } from 'express';
import type { PlentyContext } from '../context';
import { route } from '../context';

/** Body (JSON or form) first, then query parameters (some clients send the credentials there). */
const param = (req: Request, k: string): unknown =>
  (req.body as Record<string, unknown> | undefined)?.[k] ?? req.query[k];

export function authRoutes(r: Router, ctx: PlentyContext): void {
  route(
    r,
    ctx,
    'post',
    '/rest/login',
    (req, res) => {
      const result = ctx.auth.login(param(req, 'username'), param(req, 'password'));
      res.status(result.ok ? 200 : result.status).json(result.body);
    },
    { auth: false, limit: false },
  );
  route(
    r,
    ctx,
    'post',
    '/rest/login/refresh',
    (req, res) => {
      const result = ctx.auth.refresh(param(req, 'refresh_token') ?? param(req, 'refreshToken'));
      res.status(result.ok ? 200 : result.status).json(result.body);
    },
    { auth: false, limit: false },
  );
  route(r, ctx, 'post', '/rest/logout', (req, res) => {
    ctx.auth.logout(/^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
    res.json({});
  });
  route(r, ctx, 'get', '/rest/users/me', (_req, res, user) => {
    res.json({ id: 1, userId: 1, username: user, realName: user, lang: 'de', userClass: 1 });
  });
}
