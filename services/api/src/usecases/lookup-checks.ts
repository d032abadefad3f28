import type { Lookups, ScopeSettings } from '@mpc/core';
import type { FieldError } from '../http/problem';
import { formatPath } from '../http/validate';

const fmt = (n: number) => String(n);

/**
 * Every id of one scope's settings checked against the cached lookups; an id that does not exist is
 * named with the lookup it was looked up in, e.g.
 * `orderStatus.statusMapping[2].plentyStatusId: Plenty order status 5.7 does not exist (lookup orderStatuses)`.
 */
export function checkSettingsAgainstLookups(
  settings: ScopeSettings,
  lookups: Lookups,
  prefix = 'body',
): FieldError[] {
  const errors: FieldError[] = [];
  const p = lookups.plenty;
  const m = lookups.magento;
  const err = (path: PropertyKey[], message: string) =>
    errors.push({ path: formatPath(prefix, path), message });
  const statusIds = new Set(p.orderStatuses.map((s) => s.id));
  const shippingIds = new Set(p.shippingProfiles.map((s) => s.id));
  const paymentIds = new Set(p.paymentMethods.map((s) => s.id));
  const referrerIds = new Set(p.referrers.map((s) => s.id));
  const warehouseIds = new Set(p.warehouses.map((s) => s.id));
  const plentyIds = new Set(p.webstores.map((s) => s.plentyId));
  const languages = new Set(p.languages);
  const storeIds = new Set(m.storeViews.map((s) => s.id));

  settings.orderStatus?.statusMapping?.forEach((row, i) => {
    if (!statusIds.has(row.plentyStatusId)) {
      err(
        ['orderStatus', 'statusMapping', i, 'plentyStatusId'],
        `Plenty order status ${fmt(row.plentyStatusId)} does not exist (lookup orderStatuses)`,
      );
    }
  });
  settings.store?.storeMapping?.forEach((row, i) => {
    if (!storeIds.has(row.magentoStoreId)) {
      err(
        ['store', 'storeMapping', i, 'magentoStoreId'],
        `Magento store view ${row.magentoStoreId} does not exist (lookup storeViews)`,
      );
    }
    if (!plentyIds.has(row.plentyId)) {
      err(
        ['store', 'storeMapping', i, 'plentyId'],
        `Plenty client (webstore) with plentyId ${row.plentyId} does not exist (lookup webstores)`,
      );
    }
    if (languages.size && !languages.has(row.language)) {
      err(
        ['store', 'storeMapping', i, 'language'],
        `Plenty language "${row.language}" is not active in this Plenty system (lookup languages)`,
      );
    }
  });
  if (settings.store?.referrerId !== undefined && !referrerIds.has(settings.store.referrerId)) {
    err(
      ['store', 'referrerId'],
      `Plenty referrer ${fmt(settings.store.referrerId)} does not exist (lookup referrers)`,
    );
  }
  settings.payment?.methodMapping?.forEach((row, i) => {
    if (!paymentIds.has(row.plentyMethodId)) {
      err(
        ['payment', 'methodMapping', i, 'plentyMethodId'],
        `Plenty payment method ${row.plentyMethodId} does not exist (lookup paymentMethods)`,
      );
    }
  });
  const dsp = settings.shipping?.defaultShippingProfileId;
  if (dsp != null && !shippingIds.has(dsp)) {
    err(
      ['shipping', 'defaultShippingProfileId'],
      `Plenty shipping profile ${dsp} does not exist (lookup shippingProfiles)`,
    );
  }
  settings.shipping?.methodMapping?.forEach((row, i) => {
    if (!shippingIds.has(row.plentyShippingProfileId)) {
      err(
        ['shipping', 'methodMapping', i, 'plentyShippingProfileId'],
        `Plenty shipping profile ${row.plentyShippingProfileId} does not exist (lookup shippingProfiles)`,
      );
    }
  });
  const wh = settings.warehouse?.mainWarehouseId;
  if (wh != null && !warehouseIds.has(wh)) {
    err(['warehouse', 'mainWarehouseId'], `Plenty warehouse ${wh} does not exist (lookup warehouses)`);
  }
  return errors;
}

/** A `website:<id>` / `store:<id>` scope must name a website / store view that exists in Magento. */
export function checkScopeAgainstLookups(scope: string, lookups: Lookups): FieldError | null {
  const [kind, raw] = scope.split(':');
  const id = Number(raw);
  if (kind === 'website' && !lookups.magento.websites.some((w) => w.id === id)) {
    return { path: 'params.scope', message: `Magento website ${id} does not exist (lookup websites)` };
  }
  if (kind === 'store' && !lookups.magento.storeViews.some((s) => s.id === id)) {
    return { path: 'params.scope', message: `Magento store view ${id} does not exist (lookup storeViews)` };
  }
  return null;
}
