import { expect } from 'chai';
import { waitForSettled } from '../src/pipeline';
import { type Scenario, startScenario } from '../src/scenario';
import { verifyExactlyOnce } from '../src/verify';

/** Plenty's write budget is the ceiling: we spend it fully and never run into a 429 ourselves. */
describe('rate limits: a tiny Plenty budget shared through Redis', function () {
  this.timeout(180_000);
  const WINDOW_S = 4;
  const WRITES = 24;
  let s: Scenario;

  afterEach(async () => s?.close());

  const count429 = () =>
    Object.entries(s.plenty.state.calls.toJSON().byRouteAndStatus)
      .filter(([k]) => k.endsWith(' 429'))
      .reduce((n, [, v]) => n + v, 0);
  const writes = () =>
    Object.entries(s.plenty.state.calls.toJSON().byRouteAndStatus)
      .filter(
        ([k]) => /^(POST|PUT|DELETE) /.test(k) && !k.startsWith('POST /rest/login') && / 2\d\d$/.test(k),
      )
      .reduce((n, [, v]) => n + v, 0);

  it('uses the budget nearly fully, fails no order and gets no 429', async () => {
    s = await startScenario({
      orders: { count: 24, seed: 31, storeIds: [1, 3] },
      plenty: { plan: { readPerWindow: 60, writePerWindow: WRITES, windowSeconds: WINDOW_S } },
      pipeline: { exporterConcurrency: 20 },
    });
    const started = Date.now();
    const writesBefore = writes();
    const counts = await waitForSettled(s.pipeline, s.profileId, {
      timeoutMs: 150_000,
      minRows: 24,
      pollMs: 100,
    });
    const seconds = (Date.now() - started) / 1000;
    const spent = writes() - writesBefore;
    const perWindow = spent / (seconds / WINDOW_S);
    console.log(
      `      ${spent} writes in ${seconds.toFixed(1)} s = ${perWindow.toFixed(1)} per ${WINDOW_S} s window (budget ${WRITES}), 429s: ${count429()}`,
    );
    expect(counts.byStatus.failed ?? 0).to.equal(0);
    expect(counts.byStatus.complete).to.equal(24);
    // throttled before Plenty says 429; the sandbox's seconds-granular Decay header can let a 4 s
    // test window drift by up to a second on a starved CPU, so allow the budget scenario's 1%
    expect(count429()).to.be.at.most(Math.floor(s.plenty.state.calls.total * 0.01));
    // the first and last windows are partly idle; the steady state runs at the budget
    expect(perWindow).to.be.greaterThan(WRITES * 0.6);
    expect(
      (await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId)).duplicateOrders,
    ).to.deep.equal([]);
  });

  it('when someone else exhausts the budget, orders wait (429 honoured) and none fails', async () => {
    s = await startScenario({
      orders: { count: 12, seed: 32, storeIds: [1, 3] },
      plenty: { plan: { readPerWindow: 60, writePerWindow: WRITES, windowSeconds: WINDOW_S } },
      pipeline: { exporterConcurrency: 10 },
      active: false,
    });
    // another tool of the merchant uses the whole write budget of the window
    const login = await fetch(`${s.plenty.url}/rest/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'api-user', password: 'api-pass' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    for (let i = 0; i < WRITES + 2; i++) {
      await fetch(`${s.plenty.url}/rest/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ referenceType: 'order', referenceValue: 1, text: 'other tool' }),
      });
    }
    await s.pipeline.prisma.profile.update({ where: { id: s.profileId }, data: { status: 'active' } });
    await s.pipeline.scheduler.reconcile();
    const counts = await waitForSettled(s.pipeline, s.profileId, {
      timeoutMs: 150_000,
      minRows: 12,
      pollMs: 100,
    });
    console.log(`      429s seen: ${count429()}, orders: ${JSON.stringify(counts.byStatus)}`);
    expect(counts.byStatus.failed ?? 0).to.equal(0);
    expect(counts.byStatus.complete).to.equal(12);
  });
});
