import type { Request, Router } from 'express';
import { toCents } from '../../util/money';
import { itemAmount, orderAmounts, type PricedItem } from '../amounts';
import { type PlentyContext, route } from '../context';
import { notFound, paginate, plentyTime, withSet } from '../http';
import type { PlentyOrder } from '../state';
import { Validation } from '../validation';

type Rec = Record<string, unknown>;
const PAYMENT_STATUSES = ['unpaid', 'partlyPaid', 'fullyPaid', 'overpaid'];
const RELATION_TYPES = ['contact', 'warehouse', 'account'];
const RELATIONS = ['receiver', 'sender', 'owner'];

/** Validation shared by create and update: ids must exist in the lookups. */
function validateOrderBody(ctx: PlentyContext, v: Validation, b: Rec, create: boolean) {
  const L = ctx.state.lookups;
  const typeId = v.int('typeId', b.typeId, { required: create, min: 1, max: 15 });
  const plentyId = v.int('plentyId', b.plentyId, { required: create });
  v.exists('plentyId', plentyId, (id) => L.webstores.some((w) => w.storeIdentifier === id));
  const statusId = v.num('statusId', b.statusId);
  v.exists('statusId', statusId, (id) => L.orderStatuses.some((s) => s.statusId === id));
  const referrerId = v.num('referrerId', b.referrerId);
  v.exists('referrerId', referrerId, (id) => L.referrers.some((x) => x.id === id));
  const ownerId = v.int('ownerId', b.ownerId);
  const lockStatus = v.str('lockStatus', b.lockStatus, {
    in: ['unlocked', 'permanentlyLocked', 'reversibleLocked'],
  });

  const property = (path: string, p: Rec) => {
    const t = v.int(`${path}.typeId`, p.typeId, { required: true, min: 1 });
    if (p.value === undefined || p.value === null)
      v.add(`${path}.value`, `The ${path}.value field is required.`);
    else if (typeof p.value !== 'string') v.add(`${path}.value`, `The ${path}.value must be a string.`);
    const value = typeof p.value === 'string' ? p.value : '';
    if (t === 1) v.exists(`${path}.value`, Number(value), (id) => L.warehouses.some((w) => w.id === id));
    if (t === 2) v.exists(`${path}.value`, Number(value), (id) => L.shippingPresets.some((s) => s.id === id));
    if (t === 3) v.exists(`${path}.value`, Number(value), (id) => L.paymentMethods.some((m) => m.id === id));
    if (t === 4 && !PAYMENT_STATUSES.includes(value))
      v.add(`${path}.value`, `The selected ${path}.value is invalid.`);
    if (t === 6 && !L.languages.includes(value))
      v.add(`${path}.value`, `The selected ${path}.value is invalid.`);
    return { typeId: t ?? 0, value };
  };
  const properties = v.array('properties', b.properties).map((p, i) => property(`properties.${i}`, p));

  const orderItems = v.array('orderItems', b.orderItems).map((it, i) => {
    const p = `orderItems.${i}`;
    const t = v.int(`${p}.typeId`, it.typeId, { required: true, min: 1, max: 15 });
    const quantity = v.num(`${p}.quantity`, it.quantity, { required: true, min: 0 });
    const name = v.str(`${p}.orderItemName`, it.orderItemName, { required: true });
    const variationId = v.int(`${p}.itemVariationId`, it.itemVariationId, {
      required: t === 1 || t === 2 || t === 3,
    });
    v.exists(`${p}.itemVariationId`, variationId, (id) => ctx.state.variations.has(id));
    const itemReferrer = v.num(`${p}.referrerId`, it.referrerId);
    v.exists(`${p}.referrerId`, itemReferrer, (id) => L.referrers.some((x) => x.id === id));
    const countryVatId = v.int(`${p}.countryVatId`, it.countryVatId, { required: it.vatRate === undefined });
    const vatConfig = L.vatConfigs.find((c) => c.id === countryVatId);
    if (countryVatId !== undefined && !vatConfig)
      v.add(`${p}.countryVatId`, `The selected ${p}.countryVatId is invalid.`);
    const vatField = v.int(`${p}.vatField`, it.vatField, { min: 0, max: 5 });
    const explicitRate = v.num(`${p}.vatRate`, it.vatRate, { min: 0 });
    const vatRate = explicitRate ?? vatConfig?.vatRates.find((x) => x.id === (vatField ?? 0))?.vatRate ?? 0;
    const amounts = v.array(`${p}.amounts`, it.amounts, { required: true });
    if (!amounts.length) v.add(`${p}.amounts`, `The ${p}.amounts field is required.`);
    const amount = amounts.map((a, j) => {
      const ap = `${p}.amounts.${j}`;
      return {
        currency: v.str(`${ap}.currency`, a.currency, { required: true, pattern: /^[A-Z]{3}$/ }),
        priceOriginalGross: v.num(`${ap}.priceOriginalGross`, a.priceOriginalGross, { required: true }),
        surcharge: v.num(`${ap}.surcharge`, a.surcharge),
        discount: v.num(`${ap}.discount`, a.discount),
        isPercentage: v.bool(`${ap}.isPercentage`, a.isPercentage),
        exchangeRate: v.num(`${ap}.exchangeRate`, a.exchangeRate),
        isSystemCurrency: v.bool(`${ap}.isSystemCurrency`, a.isSystemCurrency),
      };
    })[0];
    const itemProps = v
      .array(`${p}.properties`, it.properties)
      .map((x, j) => property(`${p}.properties.${j}`, x));
    return {
      typeId: t ?? 0,
      itemVariationId: variationId ?? 0,
      quantity: quantity ?? 0,
      orderItemName: name ?? '',
      referrerId: itemReferrer ?? referrerId ?? 0,
      countryVatId: countryVatId ?? null,
      vatField: vatField ?? 0,
      vatRate,
      amount: amount ?? {},
      properties: itemProps,
      shippingProfileId: Number(itemProps.find((x) => x.typeId === 2)?.value ?? 0),
      warehouseId: Number(itemProps.find((x) => x.typeId === 1)?.value ?? 0) || null,
    };
  });

  const addressRelations = v.array('addressRelations', b.addressRelations).map((a, i) => {
    const t = v.int(`addressRelations.${i}.typeId`, a.typeId, { required: true, min: 1, max: 8 });
    const addressId = v.int(`addressRelations.${i}.addressId`, a.addressId, { required: true });
    v.exists(`addressRelations.${i}.addressId`, addressId, (id) => ctx.state.addresses.has(id));
    return { typeId: t ?? 0, addressId: addressId ?? 0 };
  });
  const relations = v.array('relations', b.relations).map((x, i) => {
    const referenceType = v.str(`relations.${i}.referenceType`, x.referenceType, {
      required: true,
      in: RELATION_TYPES,
    });
    const referenceId = v.int(`relations.${i}.referenceId`, x.referenceId, { required: true });
    const relation = v.str(`relations.${i}.relation`, x.relation, { required: true, in: RELATIONS });
    if (referenceType === 'contact')
      v.exists(`relations.${i}.referenceId`, referenceId, (id) => ctx.state.contacts.has(id));
    if (referenceType === 'warehouse')
      v.exists(`relations.${i}.referenceId`, referenceId, (id) => L.warehouses.some((w) => w.id === id));
    return { referenceType: referenceType ?? '', referenceId: referenceId ?? 0, relation: relation ?? '' };
  });
  const dates = v.array('dates', b.dates).map((d, i) => ({
    typeId: v.int(`dates.${i}.typeId`, d.typeId, { required: true, min: 1 }) ?? 0,
    date: v.str(`dates.${i}.date`, d.date, { required: true }) ?? '',
  }));
  return {
    typeId,
    plentyId,
    statusId,
    referrerId,
    ownerId,
    lockStatus,
    properties,
    orderItems,
    addressRelations,
    relations,
    dates,
  };
}

type Parsed = ReturnType<typeof validateOrderBody>;

function statusName(ctx: PlentyContext, statusId: number): string {
  return ctx.state.lookups.orderStatuses.find((s) => s.statusId === statusId)?.names.en ?? '';
}

/** Recomputes the order's amounts (items, payments) and its payment status property. */
export function recomputeOrder(ctx: PlentyContext, o: PlentyOrder): void {
  const at = o.updatedAt as string;
  const priced = (o.orderItems as Rec[]).map((it) => it._priced as PricedItem);
  const paid = ctx.state
    .paymentsOfOrder(o.id)
    .reduce((s, p) => s + (p.type === 'debit' ? -1 : 1) * toCents(p.amount), 0);
  o.amounts = orderAmounts(priced, paid, o.id, at);
  const invoice = toCents((o.amounts as Rec[])[0]!.invoiceTotal as number);
  const status =
    paid <= 0 ? 'unpaid' : paid < invoice ? 'partlyPaid' : paid === invoice ? 'fullyPaid' : 'overpaid';
  const prop = o.properties.find((p) => p.typeId === 4);
  if (prop) prop.value = status;
}

function buildItems(ctx: PlentyContext, orderId: number, items: Parsed['orderItems'], at: string): Rec[] {
  return items.map((it, position) => {
    const id = ctx.state.nextId('orderItem', 1);
    const amount = itemAmount(
      it.amount,
      it.vatRate,
      { id: ctx.state.nextId('orderItemAmount', 1), orderItemId: id },
      at,
    );
    const row: Rec = {
      id,
      orderId,
      typeId: it.typeId,
      referrerId: it.referrerId,
      itemVariationId: it.itemVariationId,
      quantity: it.quantity,
      orderItemName: it.orderItemName,
      attributeValues: '',
      shippingProfileId: it.shippingProfileId,
      countryVatId: it.countryVatId,
      vatField: it.vatField,
      vatRate: it.vatRate,
      position,
      warehouseId: it.warehouseId,
      createdAt: at,
      updatedAt: at,
      amounts: [amount],
      properties: it.properties.map((p) => ({
        id: ctx.state.nextId('orderItemProperty', 1),
        orderItemId: id,
        typeId: p.typeId,
        value: p.value,
        createdAt: at,
        updatedAt: at,
      })),
      references: [],
    };
    Object.defineProperty(row, '_priced', {
      value: {
        quantity: it.quantity,
        vatRate: it.vatRate,
        countryVatId: it.countryVatId ?? undefined,
        vatField: it.vatField,
        amount: it.amount,
      } satisfies PricedItem,
      enumerable: false,
      writable: true,
    });
    return row;
  });
}

function orderView(ctx: PlentyContext, o: PlentyOrder, req: Request): Rec {
  const w = withSet(req);
  const view: Rec = { ...o };
  if (req.query.addOrderItems === 'false' || req.query.addOrderItems === '0') delete view.orderItems;
  if (w.has('addresses'))
    view.addresses = (o.addressRelations as Rec[]).map((r) => ({
      ...ctx.state.addresses.get(r.addressId as number),
      pivot: r,
    }));
  if (w.has('comments'))
    view.comments = [...ctx.state.comments.values()].filter(
      (c) => c.referenceType === 'order' && c.referenceValue === o.id,
    );
  if (w.has('payments')) view.payments = ctx.state.paymentsOfOrder(o.id);
  return view;
}

export function orderRoutes(r: Router, ctx: PlentyContext): void {
  const S = ctx.state;

  // search routes first: /rest/orders/search must not match /rest/orders/:orderId
  const search = (req: Request, filter: (o: PlentyOrder, q: Record<string, string>) => boolean) => {
    const q = Object.fromEntries(
      Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
    ) as Record<string, string>;
    const prop = (o: PlentyOrder, t: number) => o.properties.find((p) => p.typeId === t)?.value;
    const plentyId = q.plentyId ?? q.clientId;
    const list = [...S.orders.values()].filter(
      (o) =>
        (plentyId === undefined || String(o.plentyId) === plentyId) &&
        (q.externalOrderId === undefined || prop(o, 7) === q.externalOrderId) &&
        filter(o, q),
    );
    const sortDesc = (q.sortOrder ?? 'asc').toLowerCase() === 'desc';
    list.sort((a, b) => (sortDesc ? b.id - a.id : a.id - b.id));
    return paginate(
      req,
      list.map((o) => orderView(ctx, o, req)),
      50,
      250,
    );
  };

  // legacy search (deprecated in the spec, still used by clients)
  route(r, ctx, 'get', '/rest/orders', (req, res) => {
    res.json(
      search(req, (o, q) => {
        const ids = q.orderIds?.split(',').map(Number);
        const receiver = (o.relations as Rec[]).find(
          (x) => x.relation === 'receiver' && x.referenceType === 'contact',
        );
        return (
          (!ids || ids.includes(o.id)) &&
          (q.contactId === undefined || String(receiver?.referenceId) === q.contactId) &&
          (q.referrerId === undefined || String(o.referrerId) === q.referrerId) &&
          (q.orderType === undefined || q.orderType.split(',').includes(String(o.typeId))) &&
          (q.statusFrom === undefined || o.statusId >= Number(q.statusFrom)) &&
          (q.statusTo === undefined || o.statusId <= Number(q.statusTo)) &&
          (q.updatedAtFrom === undefined ||
            Date.parse(o.updatedAt as string) >= Date.parse(q.updatedAtFrom)) &&
          (q.updatedAtTo === undefined || Date.parse(o.updatedAt as string) <= Date.parse(q.updatedAtTo)) &&
          (q.createdAtFrom === undefined ||
            Date.parse(o.createdAt as string) >= Date.parse(q.createdAtFrom)) &&
          (q.createdAtTo === undefined || Date.parse(o.createdAt as string) <= Date.parse(q.createdAtTo))
        );
      }),
    );
  });

  // newer search: orderProperty_{typeId}, statusId, orderTypeId, referrerId, orderId, plentyId
  route(r, ctx, 'get', '/rest/orders/search', (req, res) => {
    res.json(
      search(req, (o, q) => {
        for (const [k, val] of Object.entries(q)) {
          const m = /^orderProperty_(\d+)$/.exec(k);
          if (m && o.properties.find((p) => p.typeId === Number(m[1]))?.value !== val) return false;
        }
        return (
          (q.orderId === undefined || q.orderId.split(',').map(Number).includes(o.id)) &&
          (q.statusId === undefined || q.statusId.split(',').map(Number).includes(o.statusId)) &&
          (q.orderTypeId === undefined || q.orderTypeId.split(',').includes(String(o.typeId))) &&
          (q.referrerId === undefined || q.referrerId.split(',').includes(String(o.referrerId)))
        );
      }),
    );
  });

  route(r, ctx, 'post', '/rest/orders', (req, res) => {
    const v = new Validation();
    const b = v.object(req.body);
    if (!b) return v.send(res);
    const p = validateOrderBody(ctx, v, b, true);
    if (v.failed) return v.send(res);
    const id = S.nextId('order', 1001);
    const at = plentyTime(ctx.now());
    const props = p.properties.map((x) => ({
      id: S.nextId('orderProperty', 1),
      orderId: id,
      typeId: x.typeId,
      value: x.value,
      createdAt: at,
      updatedAt: at,
    }));
    if (!props.some((x) => x.typeId === 4))
      props.push({
        id: S.nextId('orderProperty', 1),
        orderId: id,
        typeId: 4,
        value: 'unpaid',
        createdAt: at,
        updatedAt: at,
      });
    const warehouseId = Number(
      p.properties.find((x) => x.typeId === 1)?.value ??
        p.orderItems.find((x) => x.warehouseId)?.warehouseId ??
        1,
    );
    const relations = p.relations.map((x) => ({ orderId: id, ...x }));
    // Plenty adds the sender: the warehouse
    if (!relations.some((x) => x.relation === 'sender'))
      relations.push({
        orderId: id,
        referenceType: 'warehouse',
        referenceId: warehouseId,
        relation: 'sender',
      });
    const dates = p.dates.map((d) => ({ orderId: id, ...d }));
    if (!dates.some((d) => d.typeId === 2)) dates.push({ orderId: id, typeId: 2, date: at });
    dates.push({ orderId: id, typeId: 4, date: at });
    const statusId = p.statusId ?? 3;
    const receiver = relations.find((x) => x.relation === 'receiver' && x.referenceType === 'contact');
    const o: PlentyOrder = {
      id,
      typeId: p.typeId!,
      statusId,
      statusName: statusName(ctx, statusId),
      ownerId: p.ownerId ?? null,
      referrerId: p.referrerId ?? p.orderItems[0]?.referrerId ?? 0,
      createdAt: at,
      updatedAt: at,
      plentyId: p.plentyId!,
      locationId: 1,
      roundTotalsOnly: false,
      numberOfDecimals: 2,
      lockStatus: p.lockStatus ?? 'unlocked',
      isLocked: (p.lockStatus ?? 'unlocked') !== 'unlocked',
      hasTaxRelevantDocuments: false,
      hasDeliveryOrders: false,
      legacyOrderType: p.typeId === 1 ? 'order' : 'other',
      contactSenderId: null,
      contactReceiverId: receiver?.referenceId ?? null,
      warehouseSenderId: warehouseId,
      warehouseReceiverId: null,
      orderItems: buildItems(ctx, id, p.orderItems, at),
      properties: props,
      addressRelations: p.addressRelations.map((a) => ({
        id: S.nextId('orderAddressRelation', 1),
        orderId: id,
        ...a,
      })),
      relations,
      dates,
      amounts: [],
      orderReferences: [],
    };
    recomputeOrder(ctx, o);
    S.orders.set(id, o);
    res.json(o);
  });

  route(r, ctx, 'get', '/rest/orders/:orderId', (req, res) => {
    const o = S.orders.get(Number(req.params.orderId));
    if (!o) return notFound(res);
    res.json(orderView(ctx, o, req));
  });

  route(r, ctx, 'put', '/rest/orders/:orderId', (req, res) => {
    const o = S.orders.get(Number(req.params.orderId));
    if (!o) return notFound(res);
    const v = new Validation();
    const b = v.object(req.body);
    if (!b) return v.send(res);
    const p = validateOrderBody(ctx, v, b, false);
    if (v.failed) return v.send(res);
    const at = plentyTime(ctx.now());
    if (p.statusId !== undefined) {
      o.statusId = p.statusId;
      o.statusName = statusName(ctx, p.statusId);
    }
    if (p.plentyId !== undefined) o.plentyId = p.plentyId;
    if (p.ownerId !== undefined) o.ownerId = p.ownerId;
    if (p.lockStatus !== undefined) o.lockStatus = p.lockStatus;
    for (const prop of p.properties) {
      const existing = o.properties.find((x) => x.typeId === prop.typeId);
      if (existing) existing.value = prop.value;
      else o.properties.push({ id: S.nextId('orderProperty', 1), orderId: o.id, ...prop });
    }
    for (const a of p.addressRelations) {
      const rels = o.addressRelations as Rec[];
      const existing = rels.find((x) => x.typeId === a.typeId);
      if (existing) existing.addressId = a.addressId;
      else rels.push({ id: S.nextId('orderAddressRelation', 1), orderId: o.id, ...a });
    }
    if (b.relations !== undefined) o.relations = p.relations.map((x) => ({ orderId: o.id, ...x }));
    if (b.orderItems !== undefined) o.orderItems = buildItems(ctx, o.id, p.orderItems, at);
    o.updatedAt = at;
    const d = (o.dates as Rec[]).find((x) => x.typeId === 4);
    if (d) d.date = at;
    recomputeOrder(ctx, o);
    res.json(o);
  });

  route(r, ctx, 'delete', '/rest/orders/:orderId', (req, res) => {
    const id = Number(req.params.orderId);
    if (!S.orders.delete(id)) return notFound(res);
    res.json({ success: true });
  });

  route(r, ctx, 'post', '/rest/comments', (req, res, user) => {
    const v = new Validation();
    const b = v.object(req.body);
    if (!b) return v.send(res);
    const referenceType = v.str('referenceType', b.referenceType, {
      required: true,
      in: ['category', 'contact', 'order', 'register_incoming_items', 'item_variation', 'order_item'],
    });
    const referenceValue = v.int('referenceValue', b.referenceValue, { required: true });
    if (referenceType === 'order') v.exists('referenceValue', referenceValue, (id) => S.orders.has(id));
    if (referenceType === 'contact') v.exists('referenceValue', referenceValue, (id) => S.contacts.has(id));
    const text = v.str('text', b.text, { required: true });
    const isVisibleForContact = v.bool('isVisibleForContact', b.isVisibleForContact) ?? false;
    const userId = v.int('userId', b.userId);
    if (v.failed) return v.send(res);
    const at = plentyTime(ctx.now());
    const c = {
      id: S.nextId('comment', 1),
      referenceType,
      referenceValue,
      text,
      userId: userId ?? 1,
      userName: user,
      isVisibleForContact,
      createdAt: at,
      updatedAt: at,
    };
    S.comments.set(c.id, c);
    res.json(c);
  });

  route(r, ctx, 'get', '/rest/comments/:referenceType/:referenceValue', (req, res) => {
    res.json(
      [...S.comments.values()].filter(
        (c) =>
          c.referenceType === req.params.referenceType &&
          String(c.referenceValue) === req.params.referenceValue,
      ),
    );
  });
}
