import { type PlentyLookups, plentyLanguages, plentyLookupsSchema } from '@mpc/core';
import type { PlentyClient } from './client';

type NameRows =
  | { name?: string | undefined; lang?: string | undefined }[]
  | Record<string, unknown>
  | undefined;

/** English name first, then German, then any; names come as `[{lang,name}]` or `{en: "..."}`. */
export function pickName(names: NameRows, ...fallbacks: (string | null | undefined)[]): string | undefined {
  let byLang: Record<string, string> = {};
  if (Array.isArray(names)) {
    for (const n of names) if (n.name) byLang[n.lang ?? ''] = n.name;
  } else if (names && typeof names === 'object') {
    byLang = Object.fromEntries(
      Object.entries(names).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    );
  }
  return byLang.en ?? byLang.de ?? Object.values(byLang)[0] ?? fallbacks.find((f): f is string => !!f);
}

/**
 * Everything an admin maps ids against, in core's lookup shape. Ten GETs (more for paged lists);
 * run it at profile setup and on request, then cache it (DB), never per order.
 */
export async function fetchPlentyLookups(client: PlentyClient): Promise<PlentyLookups> {
  const [statuses, shipping, methods, referrers, warehouses, webstores, countries, vat, currencies] =
    await Promise.all([
      client.getOrderStatuses(),
      client.getShippingProfiles(),
      client.getPaymentMethods(),
      client.getReferrers(),
      client.getWarehouses(),
      client.getWebstores(),
      client.getCountries(),
      client.getVatConfigurations(),
      client.getCurrencies(),
    ]);
  return plentyLookupsSchema.parse({
    orderStatuses: statuses
      .map((s) => ({ id: s.statusId ?? s.id, s }))
      .filter((x): x is { id: number; s: (typeof statuses)[number] } => typeof x.id === 'number')
      .map(({ id, s }) => ({ id, name: pickName(s.names, s.name, s.backendName) ?? `Status ${id}` })),
    shippingProfiles: shipping.map((p) => ({
      id: p.id,
      name: pickName(p.parcelServicePresetNames, p.backendName, p.name) ?? `Shipping profile ${p.id}`,
    })),
    paymentMethods: methods.map((m) => ({
      id: m.id,
      name: m.name || m.paymentKey || m.pluginKey || `Payment method ${m.id}`,
      ...(m.paymentKey ? { paymentKey: m.paymentKey } : {}),
    })),
    referrers: referrers.map((r) => ({ id: r.id, name: r.name || r.backendName || `Referrer ${r.id}` })),
    warehouses: warehouses.map((w) => ({ id: w.id, name: w.name || `Warehouse ${w.id}` })),
    webstores: webstores.map((w) => ({
      id: w.id,
      plentyId: w.storeIdentifier,
      name: w.name || `Client ${w.storeIdentifier}`,
    })),
    languages: [...plentyLanguages],
    countries: countries
      .filter((c) => !!c.isoCode2)
      .map((c) => ({
        id: c.id,
        isoCode2: String(c.isoCode2).toUpperCase(),
        name: pickName(c.names, c.name) ?? String(c.isoCode2),
      })),
    vat: vat.map((v) => ({
      id: v.id,
      countryId: v.countryId,
      rates: v.vatRates.map((r) => ({ id: r.id, rate: r.vatRate })),
    })),
    // only usable rates: a currency without a positive rate is as good as absent (the export then
    // names it); codes are upper-cased, the first entry per code wins
    currencies: currencies
      .map((c) => ({ currency: c.currency.trim().toUpperCase(), exchangeRate: c.exchangeRate }))
      .filter(
        (c): c is { currency: string; exchangeRate: number } =>
          /^[A-Z]{3}$/.test(c.currency) &&
          typeof c.exchangeRate === 'number' &&
          Number.isFinite(c.exchangeRate) &&
          c.exchangeRate > 0,
      )
      .filter((c, i, all) => all.findIndex((x) => x.currency === c.currency) === i),
  });
}
