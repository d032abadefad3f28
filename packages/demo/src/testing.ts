import { randomBytes } from 'node:crypto';
import type { PlentyLookups } from '@mpc/core';

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
export const minimalPlentyLookups: PlentyLookups = {
  orderStatuses: [
    { id: 3, name: 'Waiting for payment' },
    { id: 5, name: 'Cleared for shipping' },
    { id: 7, name: 'Outgoing items booked' },
    { id: 8, name: 'Cancelled' },
  ],
  shippingProfiles: [{ id: 6, name: 'DHL Paket' }],
  paymentMethods: [{ id: 6000, name: 'Invoice' }],
  referrers: [{ id: 1, name: 'Client' }],
  warehouses: [{ id: 1, name: 'Main' }],
  webstores: [{ id: 1, plentyId: 1000, name: 'Shop' }],
  languages: ['de', 'en'],
  countries: [{ id: 1, isoCode2: 'DE', name: 'Germany' }],
  vat: [
    {
      id: 1,
      countryId: 1,
      rates: [
        { id: 0, rate: 19 },
        { id: 1, rate: 7 },
      ],
    },
  ],
  systemCurrency: 'EUR',
};
