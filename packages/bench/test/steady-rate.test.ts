import { expect } from 'chai';
import { steadyRate } from '../src/common';

describe('steadyRate (warm orders/s between 10% and 90% settled)', () => {
  it('leaves out a slow start and a slow tail', () => {
    // 100 orders: 10 in the first 2 s (warm-up), then 10 per second, the last 10 in 3 s
    const samples = [
      { s: 1, done: 5 },
      { s: 2, done: 10 },
      ...Array.from({ length: 8 }, (_, i) => ({ s: 3 + i, done: 20 + i * 10 })),
      { s: 13, done: 100 },
    ];
    expect(steadyRate(samples, 100)).to.equal(10);
  });

  it('is null when the run has too few samples to tell', () => {
    expect(steadyRate([{ s: 1, done: 100 }], 100)).to.equal(null);
    expect(steadyRate([], 10)).to.equal(null);
  });
});
