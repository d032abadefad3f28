import { z } from 'zod';
import type { AppDeps, ConnectionCredentials } from '../deps';
import { problems } from '../http/problem';
import type { Route } from '../http/route';
import { audit } from '../repositories/audit';
import { idParams } from '../schemas/common';
import {
  connectionCreateSchema,
  connectionSchema,
  connectionTestResultSchema,
  connectionUpdateSchema,
} from '../schemas/connections';
import { connectionView } from '../usecases/profiles';

const P = '/api/v1/connections';

export function connectionRoutes(route: Route, deps: AppDeps) {
  const { prisma, secrets } = deps;
  const find = async (id: number) => {
    const c = await prisma.connection.findUnique({ where: { id } });
    if (!c) throw problems.notFound(`connection ${id} does not exist`);
    return c;
  };

  route({
    method: 'get',
    path: P,
    tag: 'connections',
    access: 'viewer',
    summary: 'List connections (secrets are never returned)',
    responses: {
      200: { description: 'connections', schema: z.object({ items: z.array(connectionSchema) }) },
    },
    handler: async () => ({
      body: { items: (await prisma.connection.findMany({ orderBy: { id: 'asc' } })).map(connectionView) },
    }),
  });

  route({
    method: 'post',
    path: P,
    tag: 'connections',
    access: 'admin',
    summary: 'Create a Magento or Plenty connection',
    description:
      'Secrets (accessToken, password) are encrypted at rest (AES-256-GCM) and write-only: responses show secretSet.',
    body: connectionCreateSchema,
    responses: { 201: { description: 'created', schema: connectionSchema } },
    handler: async ({ body, req }) => {
      const secret = body.kind === 'magento' ? body.accessToken : body.password;
      const row = await prisma.$transaction(async (tx) => {
        const c = await tx.connection.create({
          data: {
            kind: body.kind,
            name: body.name,
            baseUrl: body.baseUrl.replace(/\/+$/, ''),
            username: body.kind === 'plenty' ? body.username : null,
            secretEncrypted: secrets.encrypt(secret),
          },
        });
        await audit(tx, {
          actor: req.apiKey,
          action: 'connection.create',
          entityType: 'connection',
          entityId: c.id,
          after: connectionView(c),
        });
        return c;
      });
      return { status: 201, body: connectionView(row) };
    },
  });

  route({
    method: 'get',
    path: `${P}/:id`,
    tag: 'connections',
    access: 'viewer',
    summary: 'Get a connection',
    params: idParams,
    responses: { 200: { description: 'the connection', schema: connectionSchema } },
    handler: async ({ params }) => ({ body: connectionView(await find(params.id)) }),
  });

  route({
    method: 'patch',
    path: `${P}/:id`,
    tag: 'connections',
    access: 'admin',
    summary: 'Update a connection (send a secret only to replace it)',
    params: idParams,
    body: connectionUpdateSchema,
    responses: { 200: { description: 'updated', schema: connectionSchema } },
    handler: async ({ params, body, req }) => {
      const before = await find(params.id);
      const errors = [];
      if (before.kind === 'magento' && body.password !== undefined)
        errors.push({
          path: 'body.password',
          message: 'a Magento connection has an accessToken, not a password',
        });
      if (before.kind === 'magento' && body.username !== undefined)
        errors.push({ path: 'body.username', message: 'a Magento connection has no username' });
      if (before.kind === 'plenty' && body.accessToken !== undefined)
        errors.push({
          path: 'body.accessToken',
          message: 'a Plenty connection has a username and password, not an accessToken',
        });
      if (errors.length) throw problems.validation(errors);
      const secret = body.accessToken ?? body.password;
      const row = await prisma.$transaction(async (tx) => {
        const c = await tx.connection.update({
          where: { id: params.id },
          data: {
            name: body.name,
            baseUrl: body.baseUrl?.replace(/\/+$/, ''),
            username: body.username,
            secretEncrypted: secret === undefined ? undefined : secrets.encrypt(secret),
          },
        });
        await audit(tx, {
          actor: req.apiKey,
          action: 'connection.update',
          entityType: 'connection',
          entityId: c.id,
          before: connectionView(before),
          after: { ...connectionView(c), secretChanged: secret !== undefined },
        });
        return c;
      });
      return { body: connectionView(row) };
    },
  });

  route({
    method: 'delete',
    path: `${P}/:id`,
    tag: 'connections',
    access: 'admin',
    summary: 'Delete a connection (409 while profiles use it)',
    params: idParams,
    responses: { 204: { description: 'deleted' }, 409: { description: 'still used by profiles' } },
    handler: async ({ params, req }) => {
      const before = await find(params.id);
      const users = await prisma.profile.findMany({
        where: { OR: [{ magentoConnectionId: params.id }, { plentyConnectionId: params.id }] },
        select: { id: true, name: true },
        orderBy: { id: 'asc' },
      });
      if (users.length) {
        throw problems.conflict(
          `connection ${params.id} is used by ${users.length === 1 ? 'profile' : 'profiles'} ${users.map((p) => `${p.id} "${p.name}"`).join(', ')}; delete those profiles or point them at another connection first`,
          { profiles: users },
        );
      }
      await prisma.$transaction(async (tx) => {
        await tx.connection.delete({ where: { id: params.id } });
        await audit(tx, {
          actor: req.apiKey,
          action: 'connection.delete',
          entityType: 'connection',
          entityId: params.id,
          before: connectionView(before),
        });
      });
      return { status: 204 };
    },
  });

  route({
    method: 'post',
    path: `${P}/:id/test`,
    tag: 'connections',
    access: 'admin',
    summary: 'Check the stored credentials against the remote system',
    description:
      'Always 200 when the test ran: {ok:true} or {ok:false, stage, message} naming the stage that failed (dns, connect, tls, auth, permissions, response, ...).',
    params: idParams,
    responses: { 200: { description: 'test result', schema: connectionTestResultSchema } },
    handler: async ({ params }) => {
      const c = await find(params.id);
      if (!c.secretEncrypted)
        return {
          body: { ok: false, stage: 'configuration', message: 'no secret is stored for this connection' },
        };
      let secret: string;
      try {
        secret = secrets.decrypt(c.secretEncrypted);
      } catch (err) {
        return {
          body: {
            ok: false,
            stage: 'configuration',
            message: `the stored secret cannot be decrypted: ${(err as Error).message}`,
          },
        };
      }
      const creds: ConnectionCredentials =
        c.kind === 'magento'
          ? { kind: 'magento', baseUrl: c.baseUrl, accessToken: secret }
          : { kind: 'plenty', baseUrl: c.baseUrl, username: c.username ?? '', password: secret };
      const result = await deps.testConnection(creds);
      return { body: scrub(result, secret) };
    },
  });
}

/** A remote error message may echo what we sent; never let the secret through. */
function scrub<T>(value: T, secret: string): T {
  if (!secret) return value;
  return JSON.parse(JSON.stringify(value).split(JSON.stringify(secret).slice(1, -1)).join('[redacted]')) as T;
}
