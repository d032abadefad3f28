import type { Router } from 'express';
import type { MagentoContext } from '../context';
import { magentoError, REQUIRED_FIELD } from '../errors';

export function authRoutes(r: Router, ctx: MagentoContext): void {
  r.post('/rest/V1/integration/admin/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const missing = ['username', 'password'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
    if (missing.length) {
      return magentoError(res, 400, 'One or more input exceptions have occurred.', [], {
        errors: missing.map((f) => ({ message: REQUIRED_FIELD, parameters: { fieldName: f } })),
      });
    }
    const token = ctx.auth.issueAdminToken(body.username as string, body.password as string);
    if (!token) {
      return magentoError(
        res,
        401,
        'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.',
      );
    }
    res.json(token);
  });
}
