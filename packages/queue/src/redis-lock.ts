import type { Redis } from 'ioredis';

const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type WithRelease = Redis & { mpcReleaseLock(key: string, holder: string): Promise<number> };

/** Takes a lock held by `holder` for `ttlMs` (it expires if the holder dies); false when taken. */
export async function acquireLock(
  redis: Redis,
  key: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK';
}

/** Releases a lock only if `holder` still holds it (an expired lock may belong to another holder now). */
export function releaseLock(redis: Redis, key: string, holder: string): Promise<number> {
  // defineCommand sends the script by its SHA (EVALSHA, EVAL only after a NOSCRIPT)
  if (!('mpcReleaseLock' in redis))
    redis.defineCommand('mpcReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
  return (redis as WithRelease).mpcReleaseLock(key, holder);
}
