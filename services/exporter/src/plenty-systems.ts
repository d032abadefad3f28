import { createHash, randomUUID } from 'node:crypto';
import type { ProfileContext } from '@mpc/db';
import {
  type CallInfo,
  createPlentyClient,
  isPlentyOutage,
  type PlentyClient,
  type PlentyPlan,
} from '@mpc/plenty';
import { acquireLock, type Redis, releaseLock } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import CircuitBreaker from 'opossum';
import { recordCall } from './call-counter';

export interface BreakerOptions {
  /** share of failed calls in the rolling window that opens the breaker */
  errorThresholdPercentage: number;
  /** calls in the window before the breaker may open: one early failure must not open it */
  volumeThreshold: number;
  /** how long the breaker stays open before a trial call */
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export const defaultBreakerOptions: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 10_000,
  rollingCountTimeoutMs: 10_000,
};

export class BreakerOpenError extends Error {
  override name = 'BreakerOpenError';
  constructor(
    readonly system: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `Plenty system ${system} is failing: circuit breaker open, calls paused for ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** One Plenty system: its client (shared rate limiter in Redis), its breaker and its caches. */
export interface PlentySystem {
  key: string;
  client: PlentyClient;
  /** runs one Plenty call behind the system's circuit breaker */
  call<T>(fn: (client: PlentyClient) => Promise<T>): Promise<T>;
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  cache: PlentyCache;
}

/**
 * Lookups that cost API budget and rarely change, cached in Redis per Plenty system so every
 * exporter process shares them: SKU → variation id, e-mail → contact id, address → address id.
 * Keys hold hashes, never the e-mail or address itself (Redis keeps them in clear text).
 */
export class PlentyCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 3600,
  ) {}

  private key(kind: string, parts: unknown): string {
    return `${this.prefix}:${kind}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32)}`;
  }

  async getMany(kind: string, parts: unknown[]): Promise<(number | null)[]> {
    if (parts.length === 0) return [];
    const values = await this.redis.mget(...parts.map((p) => this.key(kind, p)));
    return values.map((v) => (v == null ? null : Number(v)));
  }

  async get(kind: string, parts: unknown): Promise<number | null> {
    return (await this.getMany(kind, [parts]))[0] ?? null;
  }

  async set(kind: string, parts: unknown, id: number): Promise<void> {
    await this.redis.set(this.key(kind, parts), String(id), 'EX', this.ttlSeconds);
  }

  async delete(kind: string, parts: unknown): Promise<void> {
    await this.redis.del(this.key(kind, parts));
  }

  /**
   * Runs `fn` while holding a short Redis lock, so two workers exporting orders of the same new
   * customer do not both create a contact. A holder that died releases it by expiry; a waiter
   * that waited the whole TTL proceeds anyway (the step's own lookup still guards).
   */
  async withLock<T>(kind: string, parts: unknown, fn: () => Promise<T>, ttlMs = 10_000): Promise<T> {
    const key = this.key(`lock:${kind}`, parts);
    const token = randomUUID();
    const deadline = Date.now() + ttlMs;
    let held = await acquireLock(this.redis, key, token, ttlMs);
    while (!held && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      held = await acquireLock(this.redis, key, token, ttlMs);
    }
    try {
      return await fn();
    } finally {
      if (held) await releaseLock(this.redis, key, token);
    }
  }
}

export interface PlentySystemsOptions {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  plan?: PlentyPlan;
  timeoutMs?: number;
  breaker?: Partial<BreakerOptions>;
  onCall?: (system: string, info: CallInfo) => void;
  onBreakerState?: (system: string, state: 'open' | 'halfOpen' | 'closed') => void;
}

/**
 * Per-process registry of Plenty systems, keyed by base URL and API user. The breaker is per
 * process (N exporter pods = N breakers), the rate-limit budget is shared through Redis.
 */
export class PlentySystems {
  private readonly systems = new Map<string, PlentySystem>();
  constructor(private readonly opts: PlentySystemsOptions) {}

  get(conn: ProfileContext['plenty']): PlentySystem {
    // a changed password makes a new client; the budget key stays the system's
    const key = `${conn.baseUrl}|${conn.username}|${createHash('sha256').update(conn.password).digest('base64url')}`;
    let system = this.systems.get(key);
    if (system) return system;
    system = this.create(key, conn);
    this.systems.set(key, system);
    return system;
  }

  private create(key: string, conn: ProfileContext['plenty']): PlentySystem {
    const host = new URL(conn.baseUrl).host;
    const systemKey = createHash('sha256')
      .update(`${conn.baseUrl}|${conn.username}`)
      .digest('base64url')
      .slice(0, 16);
    const client = createPlentyClient({
      baseUrl: conn.baseUrl,
      username: conn.username,
      password: conn.password,
      redis: this.opts.redis,
      systemKey,
      redisKeyPrefix: `${this.opts.keyPrefix}:`,
      ...(this.opts.plan ? { plan: this.opts.plan } : {}),
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      logger: this.opts.logger,
      onCall: (info) => {
        recordCall({ ...info, auth: Boolean((info as { auth?: boolean }).auth) });
        this.opts.onCall?.(host, info);
      },
    });
    const options = { ...defaultBreakerOptions, ...this.opts.breaker };
    const breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      name: host,
      timeout: false, // the HTTP client has its own timeouts
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingCountTimeoutMs,
      // Plenty's 4xx (a rejected order) and rate limits are not outages
      errorFilter: (err: unknown) => !isPlentyOutage(err),
    });
    let openedAt = 0;
    breaker.on('open', () => {
      openedAt = Date.now();
      this.opts.logger.warn('plenty circuit breaker open', { system: host });
      this.opts.onBreakerState?.(host, 'open');
    });
    breaker.on('halfOpen', () => this.opts.onBreakerState?.(host, 'halfOpen'));
    breaker.on('close', () => {
      this.opts.logger.info('plenty circuit breaker closed', { system: host });
      this.opts.onBreakerState?.(host, 'closed');
    });
    const cache = new PlentyCache(this.opts.redis, `${this.opts.keyPrefix}:plenty:${systemKey}`);
    return {
      key,
      client,
      breaker,
      cache,
      call: async <T>(fn: (c: PlentyClient) => Promise<T>): Promise<T> => {
        try {
          return (await breaker.fire(() => fn(client))) as T;
        } catch (err) {
          if ((err as { code?: string }).code === 'EOPENBREAKER') {
            const wait = Math.max(1000, openedAt + options.resetTimeoutMs - Date.now());
            throw new BreakerOpenError(host, wait);
          }
          throw err;
        }
      },
    };
  }

  /** the systems this process has talked to (metrics read their rate-limit budgets) */
  list(): PlentySystem[] {
    return [...this.systems.values()];
  }

  async close(): Promise<void> {
    for (const s of this.systems.values()) s.breaker.shutdown();
    this.systems.clear();
  }
}
