import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app';
import { as, useHarness } from './helpers';

describe('api: request ids and readiness while draining', () => {
  const h = useHarness({}, { reset: 'once' });

  it('answers with the caller’s X-Request-Id (or a new one) and logs it', async () => {
    const given = await request(h.app)
      .get('/api/v1/profiles')
      .set(as(h.adminKey))
      .set('X-Request-Id', 'req-42.a');
    expect(given.headers['x-request-id']).to.equal('req-42.a');
    const fresh = await request(h.app)
      .get('/api/v1/profiles')
      .set(as(h.adminKey))
      .set('X-Request-Id', 'no spaces <allowed>');
    expect(fresh.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    h.deps.logger.level = 'http';
    await request(h.app).get('/api/v1/profiles').set(as(h.adminKey)).set('X-Request-Id', 'req-43');
    h.deps.logger.level = 'error';
    const line = h.logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'request' && l.requestId === 'req-43');
    expect(line, h.logLines.join('\n')).to.deep.include({
      method: 'GET',
      path: '/api/v1/profiles',
      status: 200,
      requestId: 'req-43',
    });
  });

  it('/readyz answers 503 once the instance is shutting down', async () => {
    expect((await request(h.app).get('/readyz')).status).to.equal(200);
    let draining = false;
    const app = createApp({ ...h.deps, shuttingDown: () => draining });
    expect((await request(app).get('/readyz')).status).to.equal(200);
    draining = true;
    const res = await request(app).get('/readyz');
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ ready: false, checks: { shutdown: 'shutting down' } });
  });
});
