import { MagentoResponseError } from '@mpc/magento';
import { PlentyAuthError, PlentyHttpError, PlentyNetworkError, PlentyRateLimitedError } from '@mpc/plenty';
import { expect } from 'chai';
import { classifyError, SkipError } from '../src/errors';
import { BreakerOpenError } from '../src/plenty-systems';

describe('export error classes', () => {
  it('data problems skip with the message as it is', () => {
    expect(classifyError(new SkipError('store view 3 is not mapped'))).to.deep.equal({
      kind: 'skip',
      message: 'store view 3 is not mapped',
    });
  });

  it("Plenty's validation errors fail the order with Plenty's messages, per field", () => {
    const err = new PlentyHttpError({
      status: 422,
      message: 'validation error found',
      route: 'POST /rest/orders',
      validationErrors: {
        statusId: ['The selected status id is invalid.'],
        'orderItems.0.itemVariationId': ['unknown variation'],
      },
    });
    const c = classifyError(err);
    expect(c.kind).to.equal('fail');
    expect(c.message).to.equal(
      'Plenty rejected POST /rest/orders (422): validation error found: statusId: The selected status id is invalid.; orderItems.0.itemVariationId: unknown variation',
    );
  });

  it('rate limits and an open breaker wait without using an attempt', () => {
    expect(
      classifyError(
        new PlentyRateLimitedError('budget used up', { route: 'GET /rest/orders', retryAfterMs: 7000 }),
      ),
    ).to.deep.include({ kind: 'wait', delayMs: 7000 });
    expect(
      classifyError(
        new PlentyHttpError({ status: 429, message: 'Too many', route: 'x', retryAfterMs: 2000 }),
      ),
    ).to.deep.include({ kind: 'wait', delayMs: 2000 });
    expect(classifyError(new BreakerOpenError('plenty.example', 9000))).to.deep.include({
      kind: 'wait',
      delayMs: 9000,
    });
  });

  it('network errors, timeouts and 5xx are transient; bad credentials fail with what to fix', () => {
    expect(
      classifyError(new PlentyNetworkError('connect ECONNREFUSED', { route: 'x', timedOut: false })).kind,
    ).to.equal('transient');
    expect(classifyError(new PlentyHttpError({ status: 503, message: 'down', route: 'x' })).kind).to.equal(
      'transient',
    );
    expect(classifyError(new PlentyHttpError({ status: 408, message: 'timeout', route: 'x' })).kind).to.equal(
      'transient',
    );
    const auth = classifyError(
      new PlentyAuthError('invalid_credentials', 'Plenty rejected the API user', 401),
    );
    expect(auth.kind).to.equal('fail');
    expect(auth.message).to.match(/Fix the Plenty connection, then re-export/);
  });

  it('a Magento order with unreadable data skips, naming the fields', () => {
    const c = classifyError(
      new MagentoResponseError('GET /V1/orders/{id}', ['items.0.qty_ordered: expected a number']),
    );
    expect(c).to.deep.equal({
      kind: 'skip',
      message: 'the Magento order has data the connector cannot read: items.0.qty_ordered: expected a number',
    });
  });

  it('a Magento 404 skips (the order is gone); unknown errors are transient', () => {
    expect(classifyError(Object.assign(new Error('not found'), { status: 404 }))).to.deep.equal({
      kind: 'skip',
      message: 'the order no longer exists in Magento',
    });
    expect(classifyError(new Error('boom')).kind).to.equal('transient');
  });
});
