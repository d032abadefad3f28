import { randomBytes } from 'node:crypto';
import type { PlentyLookups } from '@mpc/core';
import { plentyLookups } from '@mpc/core/testing';

/** A Redis key prefix unique to one test run, so parallel runs on one Redis never collide. */
export function uniquePrefix(name = 'test'): string {
  return `${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export const testEnv = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc_test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  secretsKey: process.env.SECRETS_KEY ?? randomBytes(32).toString('base64'),
};

/** Plenty lookups for tests that do not talk to a Plenty sandbox. */
export const minimalPlentyLookups: PlentyLookups = plentyLookups;
