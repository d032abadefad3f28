import type { Redis } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import {
  type ClientRateLimitInfo,
  type IncrementResponse,
  MemoryStore,
  type Options,
  type Store,
} from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';

export interface FallbackStoreOptions {
  redis: Redis;
  /** Redis key prefix, e.g. `mpc:rate-limit:` (under QUEUE_PREFIX) */
  prefix: string;
  logger?: Logger;
  /** a Redis call slower than this counts as "Redis unavailable" (ms) */
  timeoutMs?: number;
  /** after a Redis failure, requests are counted in memory for this long before Redis is tried again (ms) */
  retryAfterMs?: number;
  now?: () => number;
}

/**
 * The per-key request counters in Redis (rate-limit-redis), so every api replica shares one limit,
 * with a fallback: while Redis is down or slow the counters live in this process's memory (the
 * limit is then per replica again) and requests are never refused or delayed because of the
 * limiter's store. Redis is tried again after `retryAfterMs`; both changes are logged once.
 */
export class RedisWithMemoryFallbackStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private readonly redisStore: RedisStore;
  private readonly memory = new MemoryStore();
  private options?: Options;
  /** Redis is skipped until this time (ms since epoch); 0 = use Redis */
  private downUntil = 0;
  /** the scripts must be (re)loaded before the next Redis call (at start and after a failure) */
  private needsInit = true;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: FallbackStoreOptions) {
    this.prefix = opts.prefix;
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.retryAfterMs = opts.retryAfterMs ?? 5000;
    this.now = opts.now ?? Date.now;
    const redis = opts.redis;
    this.redisStore = new RedisStore({
      prefix: opts.prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<boolean | number | string | (boolean | number | string)[]>,
    });
  }

  /** true while the counters are kept in memory because Redis failed */
  get degraded(): boolean {
    return this.downUntil !== 0;
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
    // the Redis scripts are loaded lazily by the first request (and again after a failure): a
    // Redis that is down at start must neither crash the process nor disable Redis for good
  }

  async increment(key: string): Promise<IncrementResponse> {
    const viaRedis = await this.tryRedis(() => this.redisStore.increment(key));
    return viaRedis ?? this.memory.increment(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const viaRedis = await this.tryRedis(() => this.redisStore.get(key));
    return viaRedis ?? this.memory.get(key);
  }

  async decrement(key: string): Promise<void> {
    await Promise.all([this.tryRedis(() => this.redisStore.decrement(key)), this.memory.decrement(key)]);
  }

  async resetKey(key: string): Promise<void> {
    await Promise.all([this.tryRedis(() => this.redisStore.resetKey(key)), this.memory.resetKey(key)]);
  }

  shutdown(): void {
    this.memory.shutdown();
  }

  /** runs a Redis store call; undefined (and the memory store takes over) when Redis fails or is slow */
  private async tryRedis<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.downUntil && this.now() < this.downUntil) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const call = (async () => {
        if (this.needsInit) {
          if (!this.options) throw new Error('rate limit store used before init');
          await this.redisStore.init(this.options);
          this.needsInit = false;
        }
        return fn();
      })();
      call.catch(() => {}); // a late rejection after the timeout must not be unhandled
      const result = await Promise.race([
        call,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      if (this.downUntil) {
        this.downUntil = 0;
        this.opts.logger?.info('rate limiter: Redis is back, counting requests in Redis again');
      }
      return result;
    } catch (err) {
      if (!this.downUntil)
        this.opts.logger?.warn('rate limiter: Redis unavailable, counting requests in memory (per process)', {
          err: err instanceof Error ? err.message : String(err),
          retryInMs: this.retryAfterMs,
        });
      this.downUntil = this.now() + this.retryAfterMs;
      this.needsInit = true;
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
