import { randomBytes } from 'node:crypto';
import { SecretBox } from '@mpc/db';
import { expect } from 'chai';
import request from 'supertest';
import { rotateSecrets } from '../src/cli';
import { as, completeSettings, SECRETS_KEY, seedProfile, useHarness } from './helpers';

const MAGENTO_TOKEN = 'magento-token-SECRET-1234';
const PLENTY_PASSWORD = 'plenty-password-SECRET-5678';

describe('api: secrets never leak', () => {
  const h = useHarness();

  it('no secret (nor its ciphertext, nor an API key) in any API response, log line or job payload', async () => {
    const bodies: string[] = [];
    const record = (r: request.Response) => {
      bodies.push(r.text ?? '', JSON.stringify(r.headers));
      return r;
    };
    const s = await seedProfile(h);
    const id = s.profile.id;
    const admin = as(h.adminKey);
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(admin)
      .send(completeSettings)
      .expect(200);
    await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(admin).expect(200);
    h.remote.test = async (creds) => ({
      ok: false,
      stage: 'auth',
      message: `rejected ${JSON.stringify(creds)}`,
    });
    await h.prisma.orderSync.create({
      data: { profileId: id, magentoOrderId: 1, incrementId: '1', status: 'failed' },
    });
    for (const [method, url] of [
      ['get', '/api/v1/connections'],
      ['get', `/api/v1/connections/${s.magento.id}`],
      ['get', `/api/v1/connections/${s.plenty.id}`],
      ['post', `/api/v1/connections/${s.magento.id}/test`],
      ['post', `/api/v1/connections/${s.plenty.id}/test`],
      ['patch', `/api/v1/connections/${s.plenty.id}`],
      ['get', '/api/v1/profiles'],
      ['get', `/api/v1/profiles/${id}`],
      ['get', `/api/v1/profiles/${id}/lookups`],
      ['post', `/api/v1/profiles/${id}/lookups`],
      ['get', `/api/v1/profiles/${id}/settings/effective?store=1`],
      ['get', '/api/v1/audit-log'],
      ['get', '/api/v1/api-keys'],
      ['post', `/api/v1/profiles/${id}/runs`],
      ['post', `/api/v1/profiles/${id}/orders/1/export`],
      ['get', '/api/v1/openapi.json'],
      ['get', '/metrics'],
      ['get', '/admin/queues/api/queues'],
    ] as const) {
      const req = request(h.app)[method](url).set(admin);
      record(await (method === 'patch' ? req.send({ password: PLENTY_PASSWORD }) : req));
    }
    record(await request(h.app).get(`/admin/queues?key=${h.adminKey}`));
    const conns = await h.prisma.connection.findMany();
    const forbidden = [
      MAGENTO_TOKEN,
      PLENTY_PASSWORD,
      h.adminKey,
      h.viewerKey,
      ...conns.map((c) => c.secretEncrypted!),
    ];

    const jobs = [
      ...(await h.queues.collect.getJobs()),
      ...(await h.queues.export.getJobs()),
      ...(await h.queues.control.getJobs()),
    ];
    expect(jobs.length).to.be.greaterThan(2);
    const raw: string[] = [];
    for (const key of await h.redis.keys(`${h.prefix}:*`)) {
      const type = await h.redis.type(key);
      if (type === 'hash') raw.push(JSON.stringify(await h.redis.hgetall(key)));
      else if (type === 'string') raw.push((await h.redis.get(key)) ?? '');
      else if (type === 'list') raw.push(JSON.stringify(await h.redis.lrange(key, 0, -1)));
      else if (type === 'zset') raw.push(JSON.stringify(await h.redis.zrange(key, 0, -1)));
      else if (type === 'stream') raw.push(JSON.stringify(await h.redis.xrange(key, '-', '+')));
    }
    const audit = JSON.stringify(await h.prisma.auditLog.findMany());
    expect(h.logLines.length).to.be.greaterThan(10);
    for (const secret of forbidden) {
      for (const [where, text] of [
        ['responses', bodies.join('\n')],
        ['logs', h.logLines.join('\n')],
        ['jobs', JSON.stringify(jobs.map((j) => j.data)) + raw.join('\n')],
        ['audit log', audit],
      ] as const) {
        expect(text.includes(secret), `${secret.slice(0, 12)}… found in ${where}`).to.equal(false);
      }
    }
  });

  it('secrets rotate re-encrypts every connection secret with the current key', async () => {
    await seedProfile(h);
    const before = await h.prisma.connection.findMany({ orderBy: { id: 'asc' } });
    const newKey = randomBytes(32).toString('base64');
    const box = new SecretBox(newKey, [SECRETS_KEY]);
    expect(before.every((c) => box.needsRotation(c.secretEncrypted!))).to.equal(true);
    const r = await rotateSecrets(h.prisma, box);
    expect(r).to.deep.equal({ total: 2, rotated: 2, failed: [] });
    const after = await h.prisma.connection.findMany({ orderBy: { id: 'asc' } });
    const onlyNew = new SecretBox(newKey);
    expect(after.map((c) => onlyNew.decrypt(c.secretEncrypted!))).to.deep.equal([
      MAGENTO_TOKEN,
      PLENTY_PASSWORD,
    ]);
    expect(await rotateSecrets(h.prisma, box)).to.deep.equal({ total: 2, rotated: 0, failed: [] });
    const unknown = await rotateSecrets(h.prisma, new SecretBox(randomBytes(32).toString('base64')));
    expect(unknown.failed).to.have.length(2);
    expect(unknown.failed[0]!.error).to.match(/not configured/);
  });

  it('a secret no configured key decrypts gives a 409 on lookups, not a 500', async () => {
    const s = await seedProfile(h);
    await h.prisma.connection.updateMany({
      data: { secretEncrypted: new SecretBox(randomBytes(32).toString('base64')).encrypt('x') },
    });
    const r = await request(h.app).post(`/api/v1/profiles/${s.profile.id}/lookups`).set(as(h.adminKey));
    expect(r.status).to.equal(409);
    expect(r.body.detail).to.match(/cannot be decrypted/);
    const t = await request(h.app).post(`/api/v1/connections/${s.plenty.id}/test`).set(as(h.adminKey));
    expect(t.body).to.include({ ok: false, stage: 'configuration' });
  });
});
