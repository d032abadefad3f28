/** The order shape comes from core (one definition for the client and the mapping). */
export { type MagentoOrder, magentoOrderSchema } from '@mpc/core';
