import type { MagentoLookups, PlentyLookups } from '@mpc/core';
import type { PrismaClient, ProfileContext, SecretBox } from '@mpc/db';
import type { Queues, Redis } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import type { Registry } from 'prom-client';

export type Fetched<T> = { ok: true; data: T } | { ok: false; message: string };

export interface FetchedLookups {
  plenty: Fetched<PlentyLookups>;
  magento: Fetched<MagentoLookups>;
}

/** What `POST /connections/{id}/test` reports: always HTTP 200, `ok:false` names the failing stage. */
export type ConnectionTestResult =
  | { ok: true; message: string; details?: Record<string, unknown> }
  | { ok: false; stage: string; message: string; details?: Record<string, unknown> };

export type ConnectionCredentials =
  | { kind: 'magento'; baseUrl: string; accessToken: string }
  | { kind: 'plenty'; baseUrl: string; username: string; password: string };

/** Talking to the remote systems; injectable so tests use sandboxes or fakes. */
export interface RemoteSystems {
  fetchLookups(ctx: ProfileContext): Promise<FetchedLookups>;
  testConnection(creds: ConnectionCredentials): Promise<ConnectionTestResult>;
}

export interface AppDeps extends RemoteSystems {
  prisma: PrismaClient;
  redis: Redis;
  queues: Queues;
  secrets: SecretBox;
  logger: Logger;
  metrics: Registry;
  config: {
    rateLimitPerMinute: number;
    corsOrigins: string[];
    trustProxy: number;
    bodyLimit?: string;
    /** Redis key prefix (QUEUE_PREFIX): the rate-limit counters live under `<prefix>:api-rl:`; default 'mpc' */
    redisKeyPrefix?: string;
    /** tuning of the rate limiter's Redis store (tests) */
    rateLimitStore?: { timeoutMs?: number; retryAfterMs?: number; now?: () => number };
    /** the `service` label of the BullMQ queue series on /metrics (same as the registry's default label); default 'api' */
    serviceName?: string;
  };
  now?: () => Date;
  /** true once SIGTERM arrived: /readyz answers 503 while the server drains */
  shuttingDown?: () => boolean;
}
