import type { ProfileContext } from '@mpc/db';
import { settingsForStore } from '@mpc/db';
import type { FieldError } from '../http/problem';
import { checkScopeAgainstLookups, checkSettingsAgainstLookups } from './lookup-checks';

/** Magento's admin store view (id 0) never carries orders. */
const ADMIN_STORE_ID = 0;

/**
 * Everything that keeps a profile from being activated, all at once (an admin fixes them in one go):
 * credentials, lookups, and per exported store view the status mapping, default shipping profile,
 * warehouse and store mapping, plus every id of every scope checked against the lookups.
 */
export function activationProblems(
  ctx: Pick<ProfileContext, 'scopes' | 'lookups' | 'magento' | 'plenty'>,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!ctx.magento.accessToken)
    errors.push({
      path: 'magentoConnection.accessToken',
      message: 'the Magento connection has no access token',
    });
  if (!ctx.plenty.password || !ctx.plenty.username) {
    errors.push({
      path: 'plentyConnection.password',
      message: 'the Plenty connection has no API user name or password',
    });
  }
  const lookups = ctx.lookups;
  if (!lookups) {
    errors.push({
      path: 'lookups',
      message:
        'lookups are missing: collect them with POST /api/v1/profiles/{id}/lookups (both systems must be reachable)',
    });
    return errors;
  }
  for (const [scope, settings] of Object.entries(ctx.scopes)) {
    const scopeErr = checkScopeAgainstLookups(scope, lookups);
    if (scopeErr) errors.push({ path: `settings.${scope}`, message: scopeErr.message });
    errors.push(...checkSettingsAgainstLookups(settings, lookups, `settings.${scope}`));
  }
  const stores = lookups.magento.storeViews.filter((s) => s.id !== ADMIN_STORE_ID);
  if (!stores.length)
    errors.push({ path: 'lookups.magento.storeViews', message: 'Magento reports no store views' });
  for (const store of stores) {
    const { settings } = settingsForStore(ctx, store.id);
    if (!settings.export.enabled) continue;
    const where = `store view ${store.id} ("${store.code}")`;
    const at = (path: string) => `effective[store:${store.id}].${path}`;
    if (!settings.orderStatus.statusMapping.length) {
      errors.push({
        path: at('orderStatus.statusMapping'),
        message: `status mapping is empty for ${where}: map each Magento status to a Plenty status`,
      });
    }
    if (settings.shipping.defaultShippingProfileId == null) {
      errors.push({
        path: at('shipping.defaultShippingProfileId'),
        message: `no default shipping profile for ${where}`,
      });
    }
    if (settings.warehouse.mainWarehouseId == null) {
      errors.push({ path: at('warehouse.mainWarehouseId'), message: `no main warehouse for ${where}` });
    }
    if (!settings.store.storeMapping.some((r) => r.magentoStoreId === store.id)) {
      errors.push({
        path: at('store.storeMapping'),
        message: `${where} is exported but has no store mapping (Plenty language and plentyId); map it or disable export for it (export.enabled=false in scope store:${store.id})`,
      });
    }
  }
  return errors;
}
