import { z } from 'zod';

/**
 * Magento's order REST shape (`sales-data-order-interface` of the 2.4 admin schema), as read by
 * `GET /V1/orders` and `GET /V1/orders/{id}`.
 *
 * Lenient where we don't care (every object is loose: unknown keys pass through untouched; fields we
 * don't read are optional and nullable, because Magento sometimes sends explicit nulls), strict on
 * the fields the mapping reads. Amounts and quantities are JSON numbers; a numeric string (as some
 * proxies and PHP serialisers produce) is accepted and converted, anything else is rejected.
 */

const numeric = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);
/** an optional amount/quantity: absent and null both mean "not given" */
const optNum = numeric.nullish();
const optStr = z.string().nullish();
const optInt = z.number().int().nullish();
/** Magento flags are 0/1 ints; tolerate booleans */
const flag = z
  .union([z.number().int(), z.boolean()])
  .transform((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v))
  .nullish();

export const magentoAddressSchema = z.looseObject({
  address_type: z.string().nullish(),
  entity_id: optInt,
  parent_id: optInt,
  firstname: optStr,
  middlename: optStr,
  lastname: optStr,
  prefix: optStr,
  suffix: optStr,
  company: optStr,
  street: z.array(z.string().nullable()).nullish(),
  city: optStr,
  postcode: optStr,
  region: optStr,
  region_code: optStr,
  region_id: optInt,
  country_id: optStr,
  telephone: optStr,
  fax: optStr,
  email: optStr,
  vat_id: optStr,
});
export type MagentoAddress = z.infer<typeof magentoAddressSchema>;

const itemShape = {
  item_id: z.number().int(),
  order_id: optInt,
  parent_item_id: optInt,
  quote_item_id: optInt,
  product_id: optInt,
  product_type: z.string().nullish(),
  sku: z.string(),
  name: optStr,
  is_virtual: flag,
  is_qty_decimal: flag,
  qty_ordered: numeric,
  qty_canceled: optNum,
  qty_invoiced: optNum,
  price: optNum,
  base_price: optNum,
  original_price: optNum,
  price_incl_tax: optNum,
  row_total: optNum,
  base_row_total: optNum,
  row_total_incl_tax: optNum,
  tax_percent: optNum,
  tax_amount: optNum,
  discount_amount: optNum,
  discount_percent: optNum,
  discount_tax_compensation_amount: optNum,
  weight: optNum,
  row_weight: optNum,
};
export const magentoOrderItemSchema = z.looseObject({
  ...itemShape,
  /** the embedded parent row of a child; read loosely (we use `parent_item_id` to link) */
  parent_item: z.looseObject({ item_id: optInt, product_type: z.string().nullish() }).nullish(),
  product_option: z.looseObject({}).nullish(),
});
export type MagentoOrderItem = z.infer<typeof magentoOrderItemSchema>;

export const magentoAppliedTaxSchema = z.looseObject({
  code: optStr,
  title: optStr,
  percent: optNum,
  amount: numeric,
  base_amount: optNum,
});
export type MagentoAppliedTax = z.infer<typeof magentoAppliedTaxSchema>;

export const magentoItemAppliedTaxSchema = z.looseObject({
  type: optStr,
  item_id: optInt,
  associated_item_id: optInt,
  applied_taxes: z.array(magentoAppliedTaxSchema).nullish(),
});

export const magentoShippingTotalSchema = z.looseObject({
  shipping_amount: optNum,
  shipping_incl_tax: optNum,
  shipping_tax_amount: optNum,
  shipping_discount_amount: optNum,
  shipping_discount_tax_compensation_amount: optNum,
});

export const magentoShippingAssignmentSchema = z.looseObject({
  shipping: z
    .looseObject({
      address: magentoAddressSchema.nullish(),
      method: optStr,
      total: magentoShippingTotalSchema.nullish(),
    })
    .nullish(),
  stock_id: optInt,
});

/** Adobe Commerce Admin UI SDK custom fees (an order-level fee added to the grand total) */
export const magentoCustomFeeSchema = z.looseObject({
  custom_fee_code: z.string(),
  custom_fee_label: optStr,
  custom_fee_amount: numeric,
});

export const magentoPaymentSchema = z.looseObject({
  method: z.string().min(1),
  amount_ordered: optNum,
  amount_paid: optNum,
  amount_authorized: optNum,
  amount_refunded: optNum,
  last_trans_id: optStr,
  additional_information: z.array(z.string().nullable()).nullish(),
  po_number: optStr,
});

/**
 * Adobe Commerce deductions (gift cards, store credit, reward points), on the order or in its
 * extension_attributes: read as they come (the mapping only reports them), declared so that a
 * `fields` selection asks for them.
 */
const deductionShape = {
  gift_cards_amount: z.unknown().optional(),
  customer_balance_amount: z.unknown().optional(),
  reward_currency_amount: z.unknown().optional(),
};

export const magentoOrderSchema = z.looseObject({
  entity_id: z.number().int().positive(),
  increment_id: z.string().min(1),
  state: optStr,
  status: optStr,
  store_id: z.number().int().nonnegative(),
  created_at: optStr,
  updated_at: optStr,
  is_virtual: flag,
  customer_id: optInt,
  customer_is_guest: flag,
  customer_group_id: optInt,
  customer_email: z.string().nullish(),
  customer_firstname: optStr,
  customer_lastname: optStr,
  customer_gender: optInt,
  customer_taxvat: optStr,
  customer_note: optStr,
  order_currency_code: optStr,
  base_currency_code: optStr,
  global_currency_code: optStr,
  base_to_order_rate: optNum,
  base_to_global_rate: optNum,
  grand_total: numeric,
  base_grand_total: numeric,
  subtotal: optNum,
  subtotal_incl_tax: optNum,
  tax_amount: optNum,
  discount_amount: optNum,
  discount_description: optStr,
  coupon_code: optStr,
  discount_tax_compensation_amount: optNum,
  shipping_amount: optNum,
  shipping_incl_tax: optNum,
  shipping_tax_amount: optNum,
  shipping_discount_amount: optNum,
  shipping_discount_tax_compensation_amount: optNum,
  shipping_description: optStr,
  total_paid: optNum,
  total_due: optNum,
  total_canceled: optNum,
  ...deductionShape,
  items: z.array(magentoOrderItemSchema),
  billing_address: magentoAddressSchema.nullish(),
  payment: magentoPaymentSchema.nullish(),
  extension_attributes: z
    .looseObject({
      shipping_assignments: z.array(magentoShippingAssignmentSchema).nullish(),
      applied_taxes: z.array(magentoAppliedTaxSchema).nullish(),
      item_applied_taxes: z.array(magentoItemAppliedTaxSchema).nullish(),
      payment_additional_info: z
        .array(z.looseObject({ key: z.string(), value: z.string().nullable() }))
        .nullish(),
      custom_fees: z.array(magentoCustomFeeSchema).nullish(),
      ...deductionShape,
    })
    .nullish(),
});
export type MagentoOrder = z.infer<typeof magentoOrderSchema>;
/** what a caller may pass before parsing (numbers may be numeric strings) */
export type MagentoOrderInput = z.input<typeof magentoOrderSchema>;

/**
 * Magento's `fields` filter (`a,b[c,d],e`) for exactly what a schema reads: a full order is
 * ~16 KB of JSON, most of it fields the mapping never looks at. An object the schema declares no
 * keys of, and an array of unknown entries, are asked for whole.
 */
export function magentoFieldSelection(schema: z.ZodType): string {
  const select = (s: z.ZodType): string | null => {
    const def = s._zod.def as unknown as {
      type: string;
      innerType?: z.ZodType;
      in?: z.ZodType;
      element?: z.ZodType;
      shape?: Record<string, z.ZodType>;
    };
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return select(def.innerType!);
      case 'pipe':
        return select(def.in!);
      case 'array':
        return select(def.element!);
      case 'object': {
        const keys = Object.entries(def.shape ?? {});
        if (keys.length === 0) return null;
        return keys
          .map(([k, v]) => {
            const sub = select(v);
            return sub ? `${k}[${sub}]` : k;
          })
          .join(',');
      }
      default:
        return null;
    }
  };
  return select(schema) ?? '';
}

/** The fields of an order the mapping reads, for `GET /V1/orders/{id}?fields=…` */
export const MAGENTO_ORDER_FIELDS = magentoFieldSelection(magentoOrderSchema);
