import { randomUUID } from 'node:crypto';
import { createRedisConnection, Queue } from '@mpc/queue';
import { createLogger } from '@mpc/runtime';
import { expect } from 'chai';
import { promoteOnRecovery } from '../src/recovery';

describe('promoteOnRecovery (on Redis)', () => {
  const connection = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
  const queue = new Queue('export', { connection, prefix: `mpc-test-recovery-${randomUUID()}` });
  const logger = createLogger({ service: 'test', level: 'error' });
  after(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  it('starts the exports waiting out a backoff when a breaker closes, not when it opens', async () => {
    for (let i = 1; i <= 3; i++)
      await queue.add('export', { profileId: 1, magentoOrderId: i }, { delay: 120_000 });
    const onState = promoteOnRecovery(queue, logger);
    expect(onState('plenty.example', 'open')).to.equal(undefined);
    expect(onState('plenty.example', 'halfOpen')).to.equal(undefined);
    expect(await queue.getJobCounts('delayed', 'waiting')).to.deep.equal({ delayed: 3, waiting: 0 });
    await onState('plenty.example', 'closed');
    expect(await queue.getJobCounts('delayed', 'waiting')).to.deep.equal({ delayed: 0, waiting: 3 });
  });
});
