/**
 * Store structure and catalogue of the simulated Magento shop. Three websites, five store views,
 * one view with an order currency different from its base currency (GBP on an EUR base).
 */
export interface StoreViewFixture {
  id: number;
  code: string;
  name: string;
  websiteId: number;
  groupId: number;
  locale: string;
  baseCurrency: string;
  /** currency orders are placed in (the display currency) */
  orderCurrency: string;
  /** base → order currency rate */
  baseToOrderRate: number;
  /** customer countries of this view with weights; the first is the store's own country */
  countries: [string, number][];
  timezone: string;
}

export const websites = [
  { id: 0, code: 'admin', name: 'Admin', default_group_id: 0 },
  { id: 1, code: 'base', name: 'Main Website', default_group_id: 1 },
  { id: 2, code: 'ch', name: 'Swiss Website', default_group_id: 2 },
  { id: 3, code: 'us', name: 'US Website', default_group_id: 3 },
];

export const storeGroups = [
  { id: 0, website_id: 0, root_category_id: 0, default_store_id: 0, name: 'Default', code: 'default' },
  {
    id: 1,
    website_id: 1,
    root_category_id: 2,
    default_store_id: 1,
    name: 'Main Website Store',
    code: 'main_website_store',
  },
  {
    id: 2,
    website_id: 2,
    root_category_id: 2,
    default_store_id: 4,
    name: 'Swiss Store',
    code: 'swiss_store',
  },
  { id: 3, website_id: 3, root_category_id: 2, default_store_id: 5, name: 'US Store', code: 'us_store' },
];

export const storeViewFixtures: StoreViewFixture[] = [
  {
    id: 1,
    code: 'default',
    name: 'Default Store View',
    websiteId: 1,
    groupId: 1,
    locale: 'de_DE',
    baseCurrency: 'EUR',
    orderCurrency: 'EUR',
    baseToOrderRate: 1,
    countries: [
      ['DE', 70],
      ['AT', 12],
      ['NL', 6],
      ['GR', 6],
      ['PL', 6],
    ],
    timezone: 'Europe/Berlin',
  },
  {
    id: 2,
    code: 'en',
    name: 'English Store View',
    websiteId: 1,
    groupId: 1,
    locale: 'en_GB',
    baseCurrency: 'EUR',
    orderCurrency: 'GBP',
    baseToOrderRate: 0.8573,
    countries: [
      ['GB', 85],
      ['IE', 15],
    ],
    timezone: 'Europe/London',
  },
  {
    id: 3,
    code: 'fr',
    name: 'Vue française',
    websiteId: 1,
    groupId: 1,
    locale: 'fr_FR',
    baseCurrency: 'EUR',
    orderCurrency: 'EUR',
    baseToOrderRate: 1,
    countries: [
      ['FR', 70],
      ['BE', 15],
      ['ES', 15],
    ],
    timezone: 'Europe/Paris',
  },
  {
    id: 4,
    code: 'ch_de',
    name: 'Schweiz (Deutsch)',
    websiteId: 2,
    groupId: 2,
    locale: 'de_CH',
    baseCurrency: 'CHF',
    orderCurrency: 'CHF',
    baseToOrderRate: 1,
    countries: [
      ['CH', 90],
      ['LI', 10],
    ],
    timezone: 'Europe/Zurich',
  },
  {
    id: 5,
    code: 'us_en',
    name: 'US English',
    websiteId: 3,
    groupId: 3,
    locale: 'en_US',
    baseCurrency: 'USD',
    orderCurrency: 'USD',
    baseToOrderRate: 1,
    countries: [
      ['US', 90],
      ['CA', 10],
    ],
    timezone: 'America/Los_Angeles',
  },
];

/** EUR price factor per base currency (catalogue prices are kept in EUR). */
export const currencyFactor: Record<string, number> = { EUR: 1, CHF: 1.05, USD: 1.1 };

/** Standard and reduced VAT rate per customer country (percent). */
export const taxRates: Record<string, { standard: number; reduced: number }> = {
  DE: { standard: 19, reduced: 7 },
  AT: { standard: 20, reduced: 10 },
  NL: { standard: 21, reduced: 9 },
  GR: { standard: 24, reduced: 13 },
  PL: { standard: 23, reduced: 8 },
  GB: { standard: 20, reduced: 5 },
  IE: { standard: 23, reduced: 13.5 },
  FR: { standard: 20, reduced: 5.5 },
  BE: { standard: 21, reduced: 6 },
  ES: { standard: 21, reduced: 10 },
  CH: { standard: 8.1, reduced: 2.6 },
  LI: { standard: 8.1, reduced: 2.6 },
  // the shop is an EU (German) merchant: deliveries to the US and Canada are tax-free exports; no
  // US sales-tax nexus, no Canadian GST registration (GST/HST is collected at the border on import)
  US: { standard: 0, reduced: 0 },
  CA: { standard: 0, reduced: 0 },
};

export const storeViews = [
  { id: 0, code: 'admin', website_id: 0, store_group_id: 0, is_active: 1, name: 'Admin' },
  ...storeViewFixtures.map((v) => ({
    id: v.id,
    code: v.code,
    website_id: v.websiteId,
    store_group_id: v.groupId,
    is_active: 1,
    name: v.name,
  })),
];

export function storeConfigs(baseUrl = 'https://shop.example/') {
  return storeViewFixtures.map((v) => {
    const url = v.code === 'default' ? baseUrl : `${baseUrl}${v.code}/`;
    return {
      id: v.id,
      code: v.code,
      website_id: v.websiteId,
      locale: v.locale,
      base_currency_code: v.baseCurrency,
      default_display_currency_code: v.orderCurrency,
      timezone: v.timezone,
      weight_unit: v.baseCurrency === 'USD' ? 'lbs' : 'kgs',
      base_url: url,
      base_link_url: url,
      base_static_url: `${baseUrl}static/`,
      base_media_url: `${baseUrl}media/`,
      secure_base_url: url,
      secure_base_link_url: url,
      secure_base_static_url: `${baseUrl}static/`,
      secure_base_media_url: `${baseUrl}media/`,
    };
  });
}

export function storeName(storeId: number): string {
  const v = storeViewFixtures.find((s) => s.id === storeId);
  if (!v) return '';
  const w = websites.find((x) => x.id === v.websiteId)!;
  const g = storeGroups.find((x) => x.id === v.groupId)!;
  return `${w.name}\n${g.name}\n${v.name}`;
}

// ---------------------------------------------------------------- catalogue

export type TaxClass = 'standard' | 'reduced';
export interface SimpleProduct {
  sku: string;
  name: string;
  /** EUR, net */
  price: number;
  weight: number;
  taxClass: TaxClass;
  productId: number;
}
export interface ConfigurableProduct {
  sku: string;
  name: string;
  productId: number;
  price: number;
  weight: number;
  /** attribute option ids: [optionId, values] */
  options: { color: string[]; size: string[] };
}
export interface BundleProduct {
  sku: string;
  name: string;
  productId: number;
  dynamicPrice: boolean;
  /** fixed price bundles only */
  price: number;
  selections: { sku: string; qty: number }[];
}
export interface VirtualProduct {
  sku: string;
  name: string;
  productId: number;
  price: number;
  type: 'virtual' | 'downloadable';
  taxClass: TaxClass;
}

export const simpleProducts: SimpleProduct[] = [
  ['MB-1001', 'Joust Duffle Bag', 34.0, 1.2, 'standard'],
  ['MB-1002', 'Strive Shoulder Pack', 32.0, 0.9, 'standard'],
  ['UG-2001', 'Sprite Yoga Strap 6 foot', 14.0, 0.2, 'standard'],
  ['UG-2002', 'Quest Lumaflex™ Band', 19.0, 0.3, 'standard'],
  ['KT-3001', 'Kaffeebecher „Morgenröte“', 12.5, 0.4, 'standard'],
  ['KT-3002', 'Müsli-Schale Émaille', 9.9, 0.35, 'standard'],
  ['BK-4001', 'Kochbuch: Fünf Zutaten', 24.0, 0.8, 'reduced'],
  ['BK-4002', 'Ελληνική Κουζίνα (cookbook)', 29.0, 0.9, 'reduced'],
  ['FD-5001', 'Bio-Espresso Bohnen 1 kg', 21.9, 1.0, 'reduced'],
  ['FD-5002', 'Grüner Tee Sencha 250 g', 11.5, 0.25, 'reduced'],
  ['EL-6001', 'USB-C Ladekabel 2 m', 15.99, 0.1, 'standard'],
  ['EL-6002', 'Bluetooth Lautsprecher', 79.0, 0.6, 'standard'],
  ['HM-7001', 'Wolldecke Ærø', 89.0, 1.8, 'standard'],
  ['HM-7002', 'Duftkerze Zitrone', 14.5, 0.3, 'standard'],
].map(([sku, name, price, weight, taxClass], i) => ({
  sku: sku as string,
  name: name as string,
  price: price as number,
  weight: weight as number,
  taxClass: taxClass as TaxClass,
  productId: 100 + i,
}));

export const configurableProducts: ConfigurableProduct[] = [
  {
    sku: 'TS',
    name: 'Basic T-Shirt',
    productId: 200,
    price: 19.9,
    weight: 0.2,
    options: { color: ['RED', 'BLUE', 'BLACK'], size: ['S', 'M', 'L', 'XL'] },
  },
  {
    sku: 'HD',
    name: 'Kapuzenpullover Größe',
    productId: 220,
    price: 49.0,
    weight: 0.6,
    options: { color: ['GREY', 'NAVY'], size: ['M', 'L'] },
  },
  {
    sku: 'SN',
    name: 'Running Sneaker',
    productId: 240,
    price: 89.95,
    weight: 0.9,
    options: { color: ['WHITE', 'BLACK'], size: ['40', '42', '44'] },
  },
];

export const bundleProducts: BundleProduct[] = [
  {
    sku: 'BND-YOGA',
    name: 'Yoga Starter Set',
    productId: 300,
    dynamicPrice: true,
    price: 0,
    selections: [
      { sku: 'UG-2001', qty: 1 },
      { sku: 'UG-2002', qty: 2 },
    ],
  },
  {
    sku: 'BND-BREAKFAST',
    name: 'Frühstücks-Set',
    productId: 301,
    dynamicPrice: false,
    price: 39.0,
    selections: [
      { sku: 'KT-3001', qty: 2 },
      { sku: 'KT-3002', qty: 2 },
    ],
  },
  {
    sku: 'BND-COFFEE',
    name: 'Coffee Lover Bundle',
    productId: 302,
    dynamicPrice: true,
    price: 0,
    selections: [
      { sku: 'FD-5001', qty: 1 },
      { sku: 'KT-3001', qty: 1 },
    ],
  },
];

export const virtualProducts: VirtualProduct[] = [
  {
    sku: 'SVC-WARRANTY-2Y',
    name: 'Garantieverlängerung 2 Jahre',
    productId: 400,
    price: 29.0,
    type: 'virtual',
    taxClass: 'standard',
  },
  {
    sku: 'SVC-GIFTWRAP',
    name: 'Gift wrapping service',
    productId: 401,
    price: 4.5,
    type: 'virtual',
    taxClass: 'standard',
  },
  {
    sku: 'DL-EBOOK-01',
    name: 'E-Book: Magento für Einsteiger',
    productId: 410,
    price: 19.99,
    type: 'downloadable',
    taxClass: 'reduced',
  },
  {
    sku: 'DL-SOFT-02',
    name: 'Photo Editor License',
    productId: 411,
    price: 59.0,
    type: 'downloadable',
    taxClass: 'standard',
  },
];

export const couponRules = [
  { ruleId: 1, code: 'SPRING10', kind: 'percent' as const, value: 10, description: 'SPRING10' },
  { ruleId: 2, code: 'WELCOME5', kind: 'fixed' as const, value: 5, description: 'Welcome 5' },
  { ruleId: 3, code: 'FREESHIP', kind: 'freeshipping' as const, value: 0, description: 'FREESHIP' },
];

export const shippingMethods = [
  { method: 'flatrate_flatrate', description: 'Flat Rate - Fixed', price: 5.0 },
  { method: 'tablerate_bestway', description: 'Best Way - Table Rate', price: 6.9 },
  { method: 'freeshipping_freeshipping', description: 'Free Shipping - Free', price: 0 },
];

export const paymentMethods = [
  'checkmo',
  'banktransfer',
  'cashondelivery',
  'purchaseorder',
  'paypal_express',
  'braintree',
] as const;
export type PaymentMethodCode = (typeof paymentMethods)[number];
export const onlinePaymentMethods: ReadonlySet<string> = new Set(['paypal_express', 'braintree']);
export const paymentTitles: Record<string, string> = {
  checkmo: 'Check / Money order',
  banktransfer: 'Bank Transfer Payment',
  cashondelivery: 'Cash On Delivery',
  purchaseorder: 'Purchase Order',
  paypal_express: 'PayPal Express Checkout',
  braintree: 'Credit Card (Braintree)',
};

/** Core state of each core status (Sales InstallData). */
export const stateOfStatus: Record<string, string> = {
  pending: 'new',
  pending_payment: 'pending_payment',
  processing: 'processing',
  fraud: 'payment_review',
  complete: 'complete',
  closed: 'closed',
  canceled: 'canceled',
  holded: 'holded',
  payment_review: 'payment_review',
};
