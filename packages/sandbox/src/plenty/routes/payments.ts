import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { type PlentyContext, route } from '../context';
import { SYSTEM_CURRENCY } from '../fixtures';
import { notFound, plentyTime } from '../http';
import type { PlentyPayment, Relation } from '../state';
import { Validation } from '../validation';
import { recomputeOrder } from './orders';

export function paymentRoutes(r: Router, ctx: PlentyContext): void {
  const S = ctx.state;

  route(r, ctx, 'post', '/rest/payments', (req, res) => {
    const v = new Validation();
    const b = v.object(req.body);
    if (!b) return v.send(res);
    const mopId = v.int('mopId', b.mopId, { required: true, min: 0 });
    v.exists('mopId', mopId, (id) => S.lookups.paymentMethods.some((m) => m.id === id));
    const amount = v.num('amount', b.amount, { required: true, min: 0 });
    const currency = v.str('currency', b.currency, { required: true, pattern: /^[A-Z]{3}$/ });
    const exchangeRatio = v.num('exchangeRatio', b.exchangeRatio) ?? 1;
    const type = v.str('type', b.type, { in: ['credit', 'debit'] }) ?? 'credit';
    const transactionType = v.int('transactionType', b.transactionType, { min: 1, max: 3 }) ?? 2;
    const status = v.int('status', b.status, { min: 1, max: 10 }) ?? 2;
    const deleted = v.int('deleted', b.deleted, { min: 0, max: 1 }) ?? 0;
    const unaccountable = v.int('unaccountable', b.unaccountable, { min: 0, max: 1 }) ?? 0;
    const parentId = v.int('parentId', b.parentId);
    const receivedAt = v.str('receivedAt', b.receivedAt);
    const props = v.array('properties', b.properties).map((p, i) => ({
      typeId: v.int(`properties.${i}.typeId`, p.typeId, { required: true, min: 1 }) ?? 0,
      value:
        v.str(
          `properties.${i}.value`,
          p.value === undefined || p.value === null ? p.value : String(p.value),
          { required: true },
        ) ?? '',
    }));
    if (v.failed) return v.send(res);
    const id = S.nextId('payment', 501);
    const at = plentyTime(ctx.now());
    const origin = Number(props.find((p) => p.typeId === 23)?.value ?? 2);
    const p: PlentyPayment = {
      id,
      amount: amount!,
      exchangeRatio,
      parentId: parentId ?? null,
      deleted,
      unaccountable,
      currency: currency!,
      type,
      hash: randomBytes(16).toString('hex'),
      origin,
      receivedAt: receivedAt ?? at,
      importedAt: at,
      status,
      transactionType,
      mopId: mopId!,
      regenerateHash: false,
      updateOrderPaymentStatus: false,
      isSystemCurrency: currency === SYSTEM_CURRENCY,
      properties: props.map((x) => ({
        id: S.nextId('paymentProperty', 1),
        paymentId: id,
        ...x,
        createdAt: at,
        updatedAt: at,
      })),
    };
    S.payments.set(id, p);
    res.json(p);
  });

  route(r, ctx, 'get', '/rest/payments/:paymentId', (req, res) => {
    const p = S.payments.get(Number(req.params.paymentId));
    if (!p) return notFound(res);
    res.json(p);
  });

  route(r, ctx, 'get', '/rest/payments/property/:propertyTypeId/:propertyValue', (req, res) => {
    const t = Number(req.params.propertyTypeId);
    const val = String(req.params.propertyValue);
    res.json(
      [...S.payments.values()].filter((p) => p.properties.some((x) => x.typeId === t && x.value === val)),
    );
  });

  route(r, ctx, 'get', '/rest/payments/orders/:orderId', (req, res) => {
    res.json(S.paymentsOfOrder(Number(req.params.orderId)));
  });

  /** payment ↔ order / contact relations: one per payment; relinking moves it. */
  const relate = (kind: 'order' | 'contact') =>
    route(r, ctx, 'post', `/rest/payment/:paymentId/${kind}/:${kind}Id`, (req, res) => {
      const paymentId = Number(req.params.paymentId);
      const targetId = Number(req.params[`${kind}Id`]);
      const payment = S.payments.get(paymentId);
      if (!payment) return notFound(res);
      const exists = kind === 'order' ? S.orders.has(targetId) : S.contacts.has(targetId);
      if (!exists) return notFound(res);
      const map = kind === 'order' ? S.paymentOrderRelations : S.paymentContactRelations;
      const key = `${kind}Id`;
      let rel = [...map.values()].find((x) => x.paymentId === paymentId);
      const previousOrder = kind === 'order' ? (rel?.orderId as number | undefined) : undefined;
      if (!rel || rel[key] !== targetId) {
        if (rel) map.delete(rel.id);
        rel = {
          id: S.nextId(`${kind}Relation`, 1),
          paymentId,
          [key]: targetId,
          assignedAt: plentyTime(ctx.now()),
        } as Relation;
        map.set(rel.id, rel);
      }
      if (kind === 'order') {
        for (const oid of new Set([previousOrder, targetId])) {
          const o = oid === undefined ? undefined : S.orders.get(oid);
          if (o) recomputeOrder(ctx, o);
        }
      }
      res.json(rel);
    });
  relate('order');
  relate('contact');
}
