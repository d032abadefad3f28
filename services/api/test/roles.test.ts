import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { errorHandler } from '../src/http/problem';
import { as, seedProfile, useHarness } from './helpers';

interface Doc {
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
}

describe('api: role matrix over every documented route', () => {
  const h = useHarness({}, { reset: 'once' });
  let doc: Doc;
  let id: number;
  before(async () => {
    const s = await seedProfile(h);
    id = s.profile.id;
    await h.prisma.orderSync.create({
      data: { profileId: id, magentoOrderId: 1, incrementId: '1', status: 'failed' },
    });
    doc = (await request(h.app).get('/api/v1/openapi.json')).body;
  });

  const concrete = (path: string) =>
    path.replace('{id}', String(id)).replace('{magentoOrderId}', '1').replace('{scope}', 'default');
  const call = (app: Express, method: string, path: string) =>
    (request(app) as unknown as Record<string, (p: string) => request.Test>)[method]!(concrete(path));

  it('every authenticated route answers 401 without a key and 401 with an unknown key', async () => {
    let n = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.security?.length) continue;
        n++;
        const none = await call(h.app, method, path);
        expect(none.status, `${method} ${path}`).to.equal(401);
        const unknown = await call(h.app, method, path).set(as('mpc_nope'));
        expect(unknown.status, `${method} ${path}`).to.equal(401);
      }
    }
    expect(n).to.be.greaterThan(30);
  });

  it('every admin route answers 403 to a viewer (and writes nothing); every viewer route answers a viewer', async () => {
    const before = await h.prisma.auditLog.count();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.security?.length) continue;
        const r = await call(h.app, method, path).set(as(h.viewerKey)).send({});
        if (op.responses['403']) expect(r.status, `${method} ${path}`).to.equal(403);
        else expect(r.status, `${method} ${path} ${r.text}`).to.equal(200);
        expect(method === 'get' || op.responses['403'], `${method} ${path} is a write open to viewers`).to.be
          .ok;
      }
    }
    expect(await h.prisma.auditLog.count()).to.equal(before);
  });

  it('maps Prisma not-found / unique / foreign-key errors to 404 / 409 problems, anything else to a bare 500', () => {
    const logged: unknown[] = [];
    const handler = errorHandler({ error: (...a: unknown[]) => logged.push(a) } as never);
    const run = (err: unknown) => {
      const res = {
        headersSent: false,
        statusCode: 0,
        body: '',
        headers: {} as Record<string, string>,
        status(c: number) {
          this.statusCode = c;
          return this;
        },
        set(hh: Record<string, string>) {
          Object.assign(this.headers, hh);
          return this;
        },
        type() {
          return this;
        },
        send(b: string) {
          this.body = b;
          return this;
        },
      };
      handler(err, { method: 'GET', path: '/x' } as never, res as never, () => {});
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    expect(run({ code: 'P2025' }).status).to.equal(404);
    expect(run({ code: 'P2002' }).status).to.equal(409);
    expect(run({ code: 'P2003' }).status).to.equal(409);
    const boom = run(new Error('db password is hunter2'));
    expect(boom.status).to.equal(500);
    expect(boom.body.detail).not.to.include('hunter2');
    expect(logged).to.have.length(1);
  });
});
