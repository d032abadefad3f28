/**
 * Test support (`@mpc/core/testing`), not used by production code: one Plenty system as the tests
 * of the api and the demo see it. core's own golden plans keep their own world
 * (test/fixtures/context.ts), whose exact ids the plans depend on.
 */
import type { PlentyLookups } from './lookups';

/** Plenty lookups for tests that do not talk to a Plenty sandbox. */
export const plentyLookups: PlentyLookups = {
  orderStatuses: [
    { id: 1, name: 'Incomplete' },
    { id: 3, name: 'Waiting for payment' },
    { id: 5, name: 'Cleared for shipping' },
    { id: 5.1, name: 'Picking' },
    { id: 7, name: 'Outgoing items booked' },
    { id: 8, name: 'Canceled' },
  ],
  shippingProfiles: [
    { id: 6, name: 'DHL' },
    { id: 7, name: 'UPS' },
  ],
  paymentMethods: [
    { id: 0, name: 'Unknown' },
    { id: 1, name: 'Cash in advance' },
    { id: 6000, name: 'PayPal' },
  ],
  referrers: [
    { id: 1, name: 'Client' },
    { id: 4.02, name: 'Magento' },
  ],
  warehouses: [
    { id: 1, name: 'Main' },
    { id: 104, name: 'Second' },
  ],
  webstores: [
    { id: 0, plentyId: 1000, name: 'Store' },
    { id: 1, plentyId: 1001, name: 'Second store' },
  ],
  languages: ['de', 'en', 'fr'],
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
  currencies: [
    { currency: 'EUR', exchangeRate: 1 },
    { currency: 'USD', exchangeRate: 1.0832 },
  ],
};
