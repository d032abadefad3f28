import { plentyLanguages } from '@mpc/core';

/**
 * Lookup data of the simulated Plenty system. Country ids follow Plenty's fixed table (with the
 * real duplicate ISO codes); status and referrer ids are floats where Plenty uses floats.
 */
const ts = '2023-01-10T09:00:00+01:00';

export const orderStatuses = [
  [1, 'Unvollständige Daten', 'Incomplete data', '#a0a0a0'],
  [2, 'Warten auf Freischaltung', 'Waiting for approval', '#ffd700'],
  [3, 'Warten auf Zahlung', 'Waiting for payment', '#ff8c00'],
  [3.1, 'Warten auf Zahlung (Vorkasse)', 'Waiting for payment (prepayment)', '#ff8c00'],
  [4, 'In Vorbereitung für Versand', 'In preparation for shipping', '#87cefa'],
  [5, 'Freigabe Versand', 'Cleared for shipping', '#1e90ff'],
  [5.1, 'Freigabe Versand (Magento)', 'Cleared for shipping (Magento)', '#1e90ff'],
  [6, 'Gerade im Versand', 'Currently being shipped', '#4169e1'],
  [7, 'Warenausgang gebucht', 'Outgoing items booked', '#32cd32'],
  [7.1, 'Versendet', 'Shipped', '#228b22'],
  [8, 'Storniert', 'Canceled', '#dc143c'],
  [8.1, 'Storniert durch Kunde', 'Canceled by customer', '#dc143c'],
  [9, 'Retoure', 'Return', '#8b4513'],
  [10, 'Gewährleistung', 'Warranty', '#8b008b'],
  [11, 'Gutschrift', 'Credit note', '#2f4f4f'],
].map(([statusId, de, en, color]) => ({
  statusId: statusId as number,
  names: { de: de as string, en: en as string },
  isErasable: !Number.isInteger(statusId),
  isFrontendVisible: true,
  isReorderVisible: true,
  isRedistributionVisible: false,
  color: color as string,
  createdAt: ts,
  updatedAt: ts,
}));

export const shippingPresets = [
  [6, 1, 'DHL Paket', 'DHL', 0],
  [7, 2, 'DPD Classic', 'DPD', 0],
  [8, 3, 'UPS Standard', 'UPS', 0],
  [9, 4, 'Hermes Paket', 'Hermes', 0],
  [10, 5, 'Selbstabholung', 'Pickup', 0],
  [11, 1, 'DHL Express', 'DHL', 1],
  [12, 6, 'Digitaler Versand', 'Digital', 0],
].map(([id, parcelServiceId, backendName, service, isExpress], i) => ({
  id: id as number,
  parcelServiceId: parcelServiceId as number,
  backendName: backendName as string,
  parcelServicePresetNames: [
    { id: id as number, parcelServicePresetId: id as number, lang: 'de', name: backendName as string },
  ],
  parcelServiceNames: [
    {
      id: parcelServiceId as number,
      parcelServiceId: parcelServiceId as number,
      lang: 'de',
      name: service as string,
    },
  ],
  flag: 0,
  priority: i + 1,
  category: 0,
  useArticlePorto: 0,
  isInsured: 0,
  isExpress: isExpress as number,
  isPostident: 0,
  isDefaultEnabled: 1,
  islandFee: 0,
  isCod: 0,
  supportedMultishop: [-1],
  supportedReferrer: [-1],
  subreferrerSupport: [],
  excludedPaymentMethods: [],
  excludedCustomerGroups: [],
  shippingGroup: '',
  dispatchIdentifier: '',
  auctionType: -1,
  supportedLoyaltyPrograms: [],
  updatedAt: ts,
  showDataPrivacyAgreementHint: 0,
  transmitPrivacyRule: 'no',
  alternativeEmail: '',
  alternativePhone: '',
  isParcelBox: 0,
  isPostOffice: 0,
  isSelfPickup: (service as string) === 'Pickup' ? 1 : 0,
}));

export const paymentMethods = [
  [1, 'plenty', 'COD', 'Nachnahme'],
  [2, 'plenty', 'PREPAYMENT', 'Vorkasse'],
  [3, 'plenty', 'INVOICE', 'Rechnung'],
  [4, 'plenty', 'CASH', 'Barzahlung'],
  [5000, 'plenty', 'MANUAL', 'Manuelle Zahlung'],
  [6000, 'plentyPayPal', 'PAYPAL', 'PayPal'],
  [6001, 'plentyStripe', 'CREDIT_CARD', 'Kreditkarte'],
  [6002, 'plenty', 'PURCHASE_ORDER', 'Kauf auf Bestellung'],
  [6003, 'plenty', 'CHECK', 'Scheck'],
].map(([id, pluginKey, paymentKey, name]) => ({
  id: id as number,
  pluginKey: pluginKey as string,
  paymentKey: paymentKey as string,
  name: name as string,
  isDocumentBuilderActive: false,
}));

export const referrers = [
  [0, 'Manuelle Eingabe', 'Manual entry', 'plenty'],
  [1, 'Mandant (Shop)', 'Client (store)', 'plenty'],
  [4, 'Amazon', 'Amazon', 'plenty'],
  [4.01, 'Amazon FBA', 'Amazon FBA', 'plenty'],
  [4.02, 'Magento 2', 'Magento 2', 'magento.connector'],
  [9, 'eBay', 'eBay', 'plenty'],
].map(([id, backendName, name, origin]) => ({
  id: id as number,
  isEditable: (origin as string) !== 'plenty',
  backendName: backendName as string,
  name: name as string,
  orderOwnerId: 0,
  isFilterable: true,
  origin: origin as string,
  showInLeads: false,
}));

export const warehouses = [
  [1, 'Hauptlager Berlin', 0],
  [2, 'Außenlager Leipzig', 0],
  [104, 'Fulfillment-Center', 2],
].map(([id, name, typeId], i) => ({
  id: id as number,
  name: name as string,
  note: '',
  typeId: typeId as number,
  priority: i,
  allocationReferrerIds: [-1],
  onStockAvailability: 1,
  outOfStockAvailability: 5,
  splitByShippingProfile: false,
  storageLocationType: 'none',
  storageLocationZone: 0,
  repairWarehouseId: 0,
  isInventoryModeActive: false,
  logisticsType: 'own',
  updatedAt: ts,
  createdAt: ts,
}));

export const webstores = [
  {
    id: 0,
    name: 'Standard-Mandant',
    type: 'plentymarkets',
    storeIdentifier: 41234,
    pluginSetId: 1,
    configuration: { defaultCurrencyList: [] },
  },
  {
    id: 1,
    name: 'Schweiz-Mandant',
    type: 'plentymarkets',
    storeIdentifier: 41235,
    pluginSetId: 1,
    configuration: { defaultCurrencyList: [] },
  },
];

/** Plenty's fixed document language codes (one list for the connector and its simulator). */
export const languages: string[] = [...plentyLanguages];

/** [id, ISO-2, ISO-3, name]: the fixed ids from Plenty's guide, incl. the duplicate ISO codes. */
const countryRows: [number, string, string, string][] = [
  [1, 'DE', 'DEU', 'Germany'],
  [2, 'AT', 'AUT', 'Austria'],
  [3, 'BE', 'BEL', 'Belgium'],
  [4, 'CH', 'CHE', 'Switzerland'],
  [6, 'CZ', 'CZE', 'Czech Republic'],
  [7, 'DK', 'DNK', 'Denmark'],
  [8, 'ES', 'ESP', 'Spain'],
  [10, 'FR', 'FRA', 'France'],
  [11, 'FI', 'FIN', 'Finland'],
  [12, 'GB', 'GBR', 'United Kingdom'],
  [13, 'GR', 'GRC', 'Greece'],
  [14, 'HU', 'HUN', 'Hungary'],
  [15, 'IT', 'ITA', 'Italy'],
  [16, 'IE', 'IRL', 'Ireland'],
  [17, 'LU', 'LUX', 'Luxembourg'],
  [20, 'NO', 'NOR', 'Norway'],
  [21, 'NL', 'NLD', 'Netherlands'],
  [22, 'PT', 'PRT', 'Portugal'],
  [23, 'PL', 'POL', 'Poland'],
  [24, 'SE', 'SWE', 'Sweden'],
  [26, 'SK', 'SVK', 'Slovakia'],
  [27, 'SI', 'SVN', 'Slovenia'],
  [28, 'US', 'USA', 'USA'],
  [29, 'AU', 'AUS', 'Australia'],
  [30, 'CA', 'CAN', 'Canada'],
  [34, 'LI', 'LIE', 'Liechtenstein'],
  [42, 'EA', 'EA', 'Ceuta'],
  [43, 'EA', 'EA', 'Melilla'],
  [44, 'BG', 'BGR', 'Bulgaria'],
  [54, 'HR', 'HRV', 'Croatia'],
  [63, 'TR', 'TUR', 'Turkey'],
  [64, 'GR', 'GRC', 'Greek islands'],
  [65, 'ES', 'ESP', 'Balearic Islands'],
];
const EU = new Set([
  'DE',
  'AT',
  'BE',
  'CZ',
  'DK',
  'ES',
  'FR',
  'FI',
  'GR',
  'HU',
  'IT',
  'IE',
  'LU',
  'NL',
  'PT',
  'PL',
  'SE',
  'SK',
  'SI',
  'BG',
  'HR',
]);
export const countries = countryRows.map(([id, isoCode2, isoCode3, name]) => ({
  id,
  name,
  shippingDestinationId: EU.has(isoCode2) ? 1 : 2,
  active: 1,
  storehouseId: 0,
  isoCode2,
  isoCode3,
  lang: isoCode2.toLowerCase(),
  isCountryStateMandatory: isoCode2 === 'US' || isoCode2 === 'CA',
  vatCodes: [],
  names: [{ id, countryId: id, lang: 'en', name }],
}));

/** VAT configurations (countryVatId = id); vatRates[].id is the vatField 0..5. */
const vatRows: [number, number, number[]][] = [
  [1, 1, [19, 7, 0, 0]],
  [2, 2, [20, 10, 13, 0]],
  [3, 10, [20, 5.5, 10, 2.1]],
  [4, 21, [21, 9, 0, 0]],
  [5, 13, [24, 13, 6, 0]],
  [6, 23, [23, 8, 5, 0]],
  [7, 8, [21, 10, 4, 0]],
  [8, 3, [21, 6, 12, 0]],
  [9, 16, [23, 13.5, 9, 0]],
  [10, 4, [8.1, 2.6, 3.8, 0]],
  // UK VAT registration (since 2021 a merchant delivering B2C to GB above £135 / with stock in GB
  // registers there): standard 20, reduced 5, zero 0
  [11, 12, [20, 5, 0, 0]],
  // No configurations for US (28) and CA (30): deliveries there are tax-free exports from the EU,
  // which the connector books on the standard configuration's 0 % rate. No configuration for LI
  // (34) either: Liechtenstein is in the Swiss VAT area, the Swiss registration (config 10) covers
  // it, and the connector uses CH's configuration for LI.
];
export const vatConfigs = vatRows.map(([id, countryId, rates]) => ({
  id,
  countryId,
  taxIdNumber: countryId === 1 ? 'DE123456789' : '',
  economicIdNumber: '',
  startedAt: '2021-07-01T00:00:00+02:00',
  invalidFrom: null,
  locationId: 1,
  marginScheme: 'none',
  isRestrictedToDigitalItems: false,
  isStandard: id === 1,
  createdAt: ts,
  updatedAt: ts,
  isActive: true,
  vatRates: rates.map((vatRate, i) => ({
    id: i,
    name: ['A', 'B', 'C', 'D'][i]!,
    vatRate,
    revenueAccount: String(8400 + i),
  })),
}));

export const SYSTEM_CURRENCY = 'EUR';

/**
 * GET /rest/orders/currencies (definition `Currency`). `exchangeRate` = units of the currency per
 * 1 EUR (the system currency has 1); mid-market rates of 2024. GBP matches the Magento sandbox's
 * EUR → GBP store rate. Active: the currencies the sales prices use.
 */
const currencyRows: [string, string, string, number, boolean][] = [
  ['EUR', '&euro;', '€', 1, true],
  ['CHF', 'CHF', 'CHF', 0.9412, true],
  ['GBP', '&pound;', '£', 0.8573, true],
  ['USD', '$', '$', 1.0832, true],
  ['CAD', 'C$', 'C$', 1.4721, false],
  ['AUD', 'A$', 'A$', 1.6512, false],
  ['DKK', 'kr', 'kr', 7.4604, false],
  ['SEK', 'kr', 'kr', 11.47, false],
  ['NOK', 'kr', 'kr', 11.69, false],
  ['PLN', 'z&#322;', 'zł', 4.2835, false],
  ['CZK', 'K&#269;', 'Kč', 25.065, false],
  ['HUF', 'Ft', 'Ft', 395.2, false],
  ['JPY', '&yen;', '¥', 162.54, false],
];
export const currencies = currencyRows.map(([currency, htmlCode, unicodeSign, exchangeRate, isActive]) => ({
  currency,
  htmlCode,
  unicodeSign,
  isActive,
  isErasable: currency !== SYSTEM_CURRENCY,
  exchangeRate,
}));
