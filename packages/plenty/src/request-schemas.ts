import type { z } from 'zod';

/**
 * Request-body schemas checked before a POST leaves the process (nothing invalid is ever sent).
 * They come from @mpc/core (plenty-payloads.ts) when available; `undefined` = not checked.
 */
export const requestSchemas: Record<'contact' | 'address' | 'order' | 'payment', z.ZodType | undefined> = {
  contact: undefined,
  address: undefined,
  order: undefined,
  payment: undefined,
};
