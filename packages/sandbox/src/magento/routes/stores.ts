import type { Router } from 'express';
import type { MagentoContext } from '../context';
import { storeConfigs, storeGroups, storeViews, websites } from '../fixtures';

export function storeRoutes(r: Router, ctx: MagentoContext, baseUrl: () => string): void {
  const auth = ctx.auth.require('Magento_Backend::store');
  r.get('/rest/V1/store/websites', auth, (_req, res) => {
    res.json(websites);
  });
  r.get('/rest/V1/store/storeGroups', auth, (_req, res) => {
    res.json(storeGroups);
  });
  r.get('/rest/V1/store/storeViews', auth, (_req, res) => {
    res.json(storeViews);
  });
  r.get('/rest/V1/store/storeConfigs', auth, (req, res) => {
    // storeCodes[]=default&storeCodes[]=fr
    const raw = req.query.storeCodes;
    const codes = raw === undefined ? undefined : ([] as unknown[]).concat(raw).map(String);
    const all = storeConfigs(`${baseUrl()}/`);
    res.json(codes ? all.filter((c) => codes.includes(c.code)) : all);
  });
}
