import { type Lookups, plentyLanguages, type ScopeSettings } from '@mpc/core';
import { type PrismaClient, type SecretBox, saveLookups } from '@mpc/db';
import { createMagentoClient, fetchMagentoLookups } from '@mpc/magento';
import { createPlentyClient, fetchPlentyLookups } from '@mpc/plenty';

export interface ProfileSetup {
  name?: string;
  magento: { baseUrl: string; accessToken: string };
  plenty: { baseUrl: string; username: string; password: string };
  cronExpression?: string;
  timezone?: string;
  active?: boolean;
  /** settings per scope; the default scope is derived from the lookups when absent */
  scopes?: Record<string, ScopeSettings>;
}

/** Magento statuses and the Plenty status (by the usual default ids) each one maps to. */
const STATUS_TARGETS: Record<string, number[]> = {
  pending: [3, 1],
  pending_payment: [3, 1],
  payment_review: [2, 3],
  holded: [2, 3],
  processing: [5, 4],
  complete: [7, 6],
  closed: [9, 8],
  canceled: [8],
  fraud: [2],
};

/** Magento payment method codes and words of the Plenty method names they map to. */
const PAYMENT_HINTS: Record<string, string[]> = {
  checkmo: ['invoice', 'rechnung', 'check'],
  banktransfer: ['prepayment', 'vorkasse', 'bank'],
  cashondelivery: ['cash on delivery', 'nachnahme', 'cod'],
  purchaseorder: ['invoice', 'purchase'],
  paypal_express: ['paypal'],
  braintree: ['credit card', 'card', 'braintree'],
};

/**
 * Default-scope settings that make every lookup-known store, status and payment method mapped:
 * what an admin would click together for a demo shop. Real profiles are configured through the API.
 */
export function demoSettings(lookups: Lookups, paymentMethods: string[]): ScopeSettings {
  const { plenty, magento } = lookups;
  const statusIds = new Set(plenty.orderStatuses.map((s) => s.id));
  const firstStatus = plenty.orderStatuses[0]?.id ?? 1;
  const configs = new Map(magento.storeConfigs.map((c) => [c.id, c]));
  const languageOf = (storeId: number) => {
    const code = (configs.get(storeId)?.locale ?? 'en_US').slice(0, 2).toLowerCase();
    return (plentyLanguages as readonly string[]).includes(code)
      ? (code as (typeof plentyLanguages)[number])
      : 'en';
  };
  const webstores = plenty.webstores;
  const methodFor = (code: string) => {
    const hints = PAYMENT_HINTS[code] ?? [code.replace(/_/g, ' ')];
    const hit = plenty.paymentMethods.find((m) =>
      hints.some((h) => `${m.name} ${m.paymentKey ?? ''}`.toLowerCase().includes(h)),
    );
    return (hit ?? plenty.paymentMethods[0])?.id ?? 0;
  };
  return {
    store: {
      storeMapping: magento.storeViews
        .filter((s) => s.id !== 0)
        .map((s, i) => ({
          magentoStoreId: s.id,
          language: languageOf(s.id),
          plentyId: webstores[i % Math.max(1, webstores.length)]?.plentyId ?? 1,
        })),
      // "Client (store)" (1) when Plenty has it: orders from a web shop
      referrerId: plenty.referrers.find((r) => r.id === 1)?.id ?? plenty.referrers[0]?.id ?? 1,
    },
    orderStatus: {
      processStatuses: [],
      statusMapping: Object.entries(STATUS_TARGETS).map(([magentoStatus, targets]) => ({
        magentoStatus,
        plentyStatusId: targets.find((t) => statusIds.has(t)) ?? firstStatus,
      })),
    },
    payment: {
      createPayment: true,
      methodMapping: paymentMethods.map((code) => ({
        magentoMethod: code,
        plentyMethodId: methodFor(code),
        createPayment: true,
      })),
    },
    shipping: {
      createShipment: true,
      defaultShippingProfileId: plenty.shippingProfiles[0]?.id ?? null,
      methodMapping: [],
    },
    warehouse: { mainWarehouseId: plenty.warehouses[0]?.id ?? null },
  };
}

/** Collects both systems' lookups and stores them on the connections. */
export async function collectLookups(
  prisma: PrismaClient,
  conns: { magentoConnectionId: number; plentyConnectionId: number },
  setup: Pick<ProfileSetup, 'magento' | 'plenty'>,
): Promise<Lookups> {
  const plenty = await fetchPlentyLookups(createPlentyClient(setup.plenty));
  const magento = await fetchMagentoLookups(createMagentoClient(setup.magento));
  await saveLookups(prisma, conns.plentyConnectionId, 'plenty', plenty);
  await saveLookups(prisma, conns.magentoConnectionId, 'magento', magento);
  return { plenty, magento };
}

/** Creates the connections and a profile with its settings and lookups (demo and tests). */
export async function setupProfile(
  prisma: PrismaClient,
  secrets: SecretBox,
  setup: ProfileSetup,
  paymentMethods: string[] = Object.keys(PAYMENT_HINTS).concat(['free']),
): Promise<{ profileId: number; lookups: Lookups }> {
  const magentoConn = await prisma.connection.create({
    data: {
      kind: 'magento',
      name: 'Magento',
      baseUrl: setup.magento.baseUrl,
      secretEncrypted: secrets.encrypt(setup.magento.accessToken),
    },
  });
  const plentyConn = await prisma.connection.create({
    data: {
      kind: 'plenty',
      name: 'Plenty',
      baseUrl: setup.plenty.baseUrl,
      username: setup.plenty.username,
      secretEncrypted: secrets.encrypt(setup.plenty.password),
    },
  });
  const profile = await prisma.profile.create({
    data: {
      name: setup.name ?? 'Order export',
      status: 'inactive',
      cronExpression: setup.cronExpression ?? '*/15 * * * *',
      timezone: setup.timezone ?? 'UTC',
      magentoConnectionId: magentoConn.id,
      plentyConnectionId: plentyConn.id,
    },
  });
  const lookups = await collectLookups(
    prisma,
    { magentoConnectionId: magentoConn.id, plentyConnectionId: plentyConn.id },
    setup,
  );
  // the given default scope goes over the demo defaults derived from the lookups, section by section
  const scopes = { ...setup.scopes };
  const base = demoSettings(lookups, paymentMethods) as Record<string, object>;
  const given = (scopes.default ?? {}) as Record<string, object>;
  scopes.default = Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(given)])].map((k) => [k, { ...base[k], ...given[k] }]),
  ) as ScopeSettings;
  for (const [scope, settings] of Object.entries(scopes)) {
    await prisma.profileSetting.create({
      data: { profileId: profile.id, scope, settings: settings as object },
    });
  }
  if (setup.active ?? true)
    await prisma.profile.update({ where: { id: profile.id }, data: { status: 'active' } });
  return { profileId: profile.id, lookups };
}
