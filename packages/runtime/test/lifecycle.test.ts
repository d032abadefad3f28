import { Writable } from 'node:stream';
import { expect } from 'chai';
import { onShutdown } from '../src/lifecycle';
import { createLogger } from '../src/logger';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const logger = createLogger({ service: 't', level: 'debug', stream });
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  return { logger, lines, exited, exit: (c: number) => resolveExit(c) };
}

describe('onShutdown', () => {
  it('runs the steps in order after the start hook, then exits 0', async () => {
    const t = setup();
    const order: string[] = [];
    const shutdown = onShutdown(
      t.logger,
      [
        { name: 'worker', run: async () => void order.push('worker') },
        { name: 'redis', run: async () => void order.push('redis') },
      ],
      {
        timeoutMs: 5000,
        exit: t.exit,
        signals: [],
        processHandlers: false,
        onStart: () => order.push('start'),
      },
    );
    const again = shutdown();
    expect(shutdown()).to.equal(again); // one shutdown, however often it is asked for
    await again;
    expect(await t.exited).to.equal(0);
    expect(order).to.deep.equal(['start', 'worker', 'redis']);
    expect(t.lines.map((l) => l.message)).to.include.members(['shutting down', 'shut down']);
  });

  it('runs the later steps when one fails, and exits 1', async () => {
    const t = setup();
    const order: string[] = [];
    await onShutdown(
      t.logger,
      [
        { name: 'worker', run: async () => Promise.reject(new Error('close failed')) },
        { name: 'redis', run: async () => void order.push('redis') },
      ],
      { timeoutMs: 5000, exit: t.exit, signals: [], processHandlers: false },
    )();
    expect(await t.exited).to.equal(1);
    expect(order).to.deep.equal(['redis']);
    expect(t.lines.find((l) => l.message === 'shutdown step failed')).to.deep.include({ step: 'worker' });
  });

  it('exits 1 at the deadline while a step still runs', async () => {
    const t = setup();
    const t0 = Date.now();
    void onShutdown(t.logger, [{ name: 'worker', run: () => new Promise(() => {}) }], {
      timeoutMs: 200,
      exit: t.exit,
      signals: [],
      processHandlers: false,
    })();
    expect(await t.exited).to.equal(1);
    expect(Date.now() - t0).to.be.within(150, 1000);
    expect(t.lines.map((l) => l.message)).to.include('shutdown deadline passed, exiting');
  });

  it('starts on the signal it listens to', async () => {
    const t = setup();
    const before = process.listenerCount('SIGUSR2');
    onShutdown(t.logger, [], { timeoutMs: 1000, exit: t.exit, signals: ['SIGUSR2'], processHandlers: false });
    process.kill(process.pid, 'SIGUSR2');
    expect(await t.exited).to.equal(0);
    expect(t.lines[0]).to.include({ message: 'shutting down', reason: 'SIGUSR2' });
    for (const l of process.listeners('SIGUSR2').slice(before)) process.off('SIGUSR2', l as () => void);
  });
});
