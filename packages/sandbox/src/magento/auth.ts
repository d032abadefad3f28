import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { magentoError, UNAUTHORIZED } from './errors';

export interface MagentoAuthOptions {
  adminUser: string;
  adminPassword: string;
  integrationTokens: string[];
  adminTokenLifetimeSeconds: number;
  now: () => number;
}

/** Admin tokens (POST /V1/integration/admin/token, 4 h by default) and integration bearer tokens. */
export class MagentoAuth {
  private readonly adminTokens = new Map<string, number>();
  constructor(private readonly o: MagentoAuthOptions) {}

  issueAdminToken(username: string, password: string): string | undefined {
    if (username !== this.o.adminUser || password !== this.o.adminPassword) return undefined;
    const token = randomBytes(16).toString('hex');
    this.adminTokens.set(token, this.o.now() + this.o.adminTokenLifetimeSeconds * 1000);
    return token;
  }

  isValid(token: string): boolean {
    if (this.o.integrationTokens.includes(token)) return true;
    const exp = this.adminTokens.get(token);
    if (exp === undefined) return false;
    if (exp <= this.o.now()) {
      this.adminTokens.delete(token);
      return false;
    }
    return true;
  }

  /** Express middleware: 401 in Magento's format for a missing, unknown or expired token. */
  require(resource: string) {
    return (req: Request, res: Response, next: NextFunction) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (!m || !this.isValid(m[1]!)) return magentoError(res, 401, UNAUTHORIZED, { resources: resource });
      next();
    };
  }
}
