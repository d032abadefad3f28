import {
  plentyAddressCreateSchema,
  plentyContactCreateSchema,
  plentyOrderCreateSchema,
  plentyPaymentCreateSchema,
} from '@mpc/core';
import type { z } from 'zod';

/**
 * Request-body schemas from @mpc/core, checked before a POST leaves the process: nothing invalid is
 * ever sent (and no write budget is spent on a body Plenty would reject).
 */
export const requestSchemas = {
  contact: plentyContactCreateSchema,
  address: plentyAddressCreateSchema,
  order: plentyOrderCreateSchema,
  payment: plentyPaymentCreateSchema,
} satisfies Record<string, z.ZodType>;
