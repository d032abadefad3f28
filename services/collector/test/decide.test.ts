import { defaultSettings, type EffectiveSettings, type MagentoOrder } from '@mpc/core';
import type { OrderSync } from '@mpc/db';
import { expect } from 'chai';
import { decide } from '../src/collect';
import { fromMagentoTime, toMagentoTime } from '../src/search';

const settings = (patch: Partial<EffectiveSettings> = {}): EffectiveSettings => ({
  ...structuredClone(defaultSettings),
  store: { storeMapping: [{ magentoStoreId: 1, language: 'de', plentyId: 1000 }], referrerId: 1 },
  ...patch,
});
const order = (status: string, store = 1, updated = '2026-01-01 10:00:00') =>
  ({ entity_id: 1, increment_id: '000000001', status, store_id: store, updated_at: updated }) as MagentoOrder;
const row = (status: OrderSync['status'], magentoStatus = 'processing', updated = '2026-01-01 10:00:00') =>
  ({ status, magentoStatus, magentoUpdatedAt: fromMagentoTime(updated) }) as OrderSync;

describe('collector decisions', () => {
  it('exports a new order of a mapped store', () => {
    expect(decide(order('processing'), settings(), undefined, 'append')).to.deep.equal({ kind: 'export' });
  });
  it('leaves orders untouched when export is off or the status is not selected', () => {
    expect(
      decide(
        order('processing'),
        settings({ export: { enabled: false, batchSize: 10, logResponse: false } }),
        undefined,
        'append',
      ).kind,
    ).to.equal('ignore');
    const only = settings({ orderStatus: { processStatuses: ['complete'], statusMapping: [] } });
    expect(decide(order('processing'), only, undefined, 'append').kind).to.equal('ignore');
  });
  it('skips an order of an unmapped store, naming the store', () => {
    expect(decide(order('processing', 4), settings(), undefined, 'append')).to.deep.equal({
      kind: 'skip',
      message: 'store view 4 is not mapped: add it to the store mapping',
    });
  });
  it('pushes a status change of an exported order in append mode only', () => {
    expect(decide(order('canceled'), settings(), row('complete'), 'append').kind).to.equal('status');
    expect(decide(order('canceled'), settings(), row('complete'), 'replace').kind).to.equal('unchanged');
    expect(decide(order('processing'), settings(), row('updated'), 'append').kind).to.equal('unchanged');
  });
  it('does not enqueue an unchanged pending order twice, and gives a changed failed order another chance', () => {
    expect(decide(order('processing'), settings(), row('pending'), 'append').kind).to.equal('unchanged');
    expect(decide(order('processing'), settings(), row('failed'), 'append').kind).to.equal('unchanged');
    expect(
      decide(order('processing', 1, '2026-01-02 08:00:00'), settings(), row('failed'), 'append').kind,
    ).to.equal('export');
    expect(
      decide(order('processing', 1, '2026-01-02 08:00:00'), settings(), row('skipped'), 'replace').kind,
    ).to.equal('unchanged');
  });
  it("reads and writes Magento's UTC timestamps", () => {
    expect(toMagentoTime(new Date('2026-03-04T05:06:07.890Z'))).to.equal('2026-03-04 05:06:07');
    expect(fromMagentoTime('2026-03-04 05:06:07')?.toISOString()).to.equal('2026-03-04T05:06:07.000Z');
    expect(fromMagentoTime('garbage')).to.equal(null);
  });
});
