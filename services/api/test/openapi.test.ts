import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { toOpenApiPath } from '../src/http/route';
import { useHarness } from './helpers';

/** Every (method, path) the express app serves, walked from its router stack. */
function expressRoutes(app: Express): string[] {
  const stack = (
    app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  ).router.stack;
  const out: string[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') out.push(`${method.toUpperCase()} ${toOpenApiPath(layer.route.path)}`);
    }
  }
  return out;
}

describe('api: OpenAPI document', () => {
  const h = useHarness({}, { reset: 'once' });

  it('is a valid OpenAPI 3.1 document (public, no key needed)', async () => {
    const r = await request(h.app).get('/api/v1/openapi.json');
    expect(r.status).to.equal(200);
    expect(r.body.openapi).to.equal('3.1.0');
    const api = await SwaggerParser.validate(structuredClone(r.body));
    expect(api.info.title).to.be.a('string');
  });

  it('lists every route the express app serves, and nothing else', async () => {
    const doc = (await request(h.app).get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = expressRoutes(h.app);
    expect(served.length).to.be.greaterThan(30);
    expect([...served].sort()).to.deep.equal([...documented].sort());
    // spot checks
    for (const r of [
      'GET /api/v1/profiles/{id}/orders',
      'POST /api/v1/profiles/{id}/orders/{magentoOrderId}/export',
      'PATCH /api/v1/profiles/{id}/settings/{scope}',
      'GET /api/v1/profiles/{id}/settings/effective',
      'POST /api/v1/connections/{id}/test',
      'GET /api/v1/audit-log',
      'GET /readyz',
    ]) {
      expect(served).to.include(r);
    }
  });

  it('documents auth, problems and strict bodies', async () => {
    const doc = (await request(h.app).get('/api/v1/openapi.json')).body;
    expect(doc.components.securitySchemes.bearerAuth).to.deep.include({ type: 'http', scheme: 'bearer' });
    const post = doc.paths['/api/v1/profiles'].post;
    expect(post.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(post.responses['403'].content['application/problem+json']).to.be.an('object');
    expect(doc.paths['/healthz'].get.security).to.deep.equal([]);
    expect(doc.components.schemas.ProfileCreate.additionalProperties).to.equal(false);
  });

  it('Swagger UI is served at /docs', async () => {
    const r = await request(h.app).get('/docs/');
    expect(r.status).to.equal(200);
    expect(r.text).to.include('swagger-ui');
  });
});
