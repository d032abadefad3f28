import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, type Logger, redact } from '../src/logger';

/** A logger whose JSON lines land in an array. */
function capture(level = 'debug'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  raw: () => string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ service: 'test', level, stream });
  return {
    logger,
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRETS = [
  'hunter2-password',
  'tok-5f1e2d3c4b5a',
  'eyJhbGciOiJIUzI1NiJ9.payload.sig',
  'refresh-9a8b7c6d',
  'mpc_live_apikey_1234567890abcdef',
  'x-api-key-value-777',
  'basic-creds-b64==',
  'sess-cookie-abc',
  'jane.doe@example.com',
  'JOHN.SMITH@EXAMPLE.ORG',
  'Janet',
  'Doe-Huber',
  'Hauptstraße 12',
  '10115',
  '+49 30 1234567',
  'DE89370400440532013000',
  'Musterfirma GmbH',
  'Berlin-Mitte',
];

describe('logger redaction', () => {
  it('keeps secrets, tokens and personal data out of every log line, wherever they sit', () => {
    const { logger, raw, lines } = capture();
    logger.info('plenty login', {
      username: 'api-user',
      password: 'hunter2-password',
      accessToken: 'tok-5f1e2d3c4b5a',
    });
    logger.info('token refreshed', {
      access_token: 'eyJhbGciOiJIUzI1NiJ9.payload.sig',
      refresh_token: 'refresh-9a8b7c6d',
    });
    logger.warn('request', {
      headers: {
        Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
        'X-Api-Key': 'x-api-key-value-777',
        Cookie: 'sess-cookie-abc',
      },
      apiKey: 'mpc_live_apikey_1234567890abcdef',
    });
    logger.info('proxy', { 'Proxy-Authorization': 'Basic basic-creds-b64==' });
    logger.info('order mapped', {
      orderId: 42,
      profileId: 7,
      jobId: 'export-7-42',
      order: {
        customer_email: 'jane.doe@example.com',
        customer_firstname: 'Janet',
        customer_lastname: 'Doe-Huber',
        billing_address: {
          firstname: 'Janet',
          lastname: 'Doe-Huber',
          street: ['Hauptstraße 12'],
          postcode: '10115',
          city: 'Berlin-Mitte',
          telephone: '+49 30 1234567',
          company: 'Musterfirma GmbH',
        },
        extension_attributes: {
          shipping_assignments: [
            { shipping: { address: { email: 'JOHN.SMITH@EXAMPLE.ORG', firstname: 'Janet' } } },
          ],
        },
      },
      plentyAddress: {
        name1: 'Musterfirma GmbH',
        name2: 'Janet',
        name3: 'Doe-Huber',
        address1: 'Hauptstraße',
        address2: '12',
        postalCode: '10115',
        town: 'Berlin-Mitte',
        options: [
          { typeId: 5, value: 'jane.doe@example.com' },
          { typeId: 4, value: '+49 30 1234567' },
        ],
      },
      payment: { iban: 'DE89370400440532013000' },
    });
    // in messages, in Error messages and stacks, in nested causes
    logger.error(
      'plenty rejected jane.doe@example.com with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
    );
    logger.error('login failed', {
      err: new Error('POST /rest/login?password=hunter2-password&access_token=tok-5f1e2d3c4b5a failed'),
    });
    const withCause = new Error('export failed', {
      cause: new Error('contact JOHN.SMITH@EXAMPLE.ORG exists'),
    });
    logger.error('export failed', { err: withCause, orderId: 43 });
    logger.error(
      new Error(
        'body {"password":"hunter2-password","username":"api-user"} rejected for jane.doe@example.com',
      ),
    );
    // an array at the top level of the meta and a plain string with an api key
    logger.info('emails', {
      recipients: ['jane.doe@example.com', 'JOHN.SMITH@EXAMPLE.ORG'],
      note: 'retry with api_key=mpc_live_apikey_1234567890abcdef',
    });

    const text = raw();
    for (const secret of SECRETS) expect(text, `"${secret}" leaked`).not.to.include(secret);
    const all = lines();
    expect(all).to.have.length(10);
    // redacted markers are there, so the reader sees that something was removed
    expect(all[0]).to.include({ password: '[redacted]', accessToken: '[redacted]', username: 'api-user' });
    expect(all[2]!.headers).to.deep.equal({
      Authorization: '[redacted]',
      'X-Api-Key': '[redacted]',
      Cookie: '[redacted]',
    });
    expect(all[4]).to.include({
      orderId: 42,
      profileId: 7,
      jobId: 'export-7-42',
      level: 'info',
      message: 'order mapped',
      service: 'test',
    });
    expect((all[4]!.order as Record<string, unknown>).customer_email).to.equal('[redacted]');
    expect((all[4]!.plentyAddress as { options: { typeId: number }[] }).options[0]).to.deep.equal({
      typeId: 5,
      value: '[redacted]',
    });
    expect(all[5]!.message).to.equal('plenty rejected [email] with Authorization: Bearer [redacted]');
    const err = all[6]!.err as { message: string; stack: string };
    expect(err.message).to.equal('POST /rest/login?password=[redacted]&access_token=[redacted] failed');
    expect(err.stack).to.include('password=[redacted]');
    expect((all[7]!.err as { cause: { message: string } }).cause.message).to.equal('contact [email] exists');
    expect(all[7]!.orderId).to.equal(43);
    expect(all[8]!.message).to.equal(
      'body {"password":"[redacted]","username":"api-user"} rejected for [email]',
    );
    expect(all[9]!.recipients).to.deep.equal(['[email]', '[email]']);
  });

  it('never redacts correlation ids, and keeps dates, numbers and ordinary fields', () => {
    const { logger, lines } = capture();
    const at = new Date('2026-01-02T03:04:05.000Z');
    logger.child({ profileId: 3, orderId: 1001, jobId: 'export-3-1001' }).info('order exported', {
      requestId: 'req-1',
      plentyOrderId: 555,
      incrementId: '000000123',
      magentoOrderId: 1001,
      writes: 6,
      processedAt: at,
      status: 'complete',
      route: '/rest/orders',
    });
    const [line] = lines();
    expect(line).to.deep.include({
      profileId: 3,
      orderId: 1001,
      jobId: 'export-3-1001',
      requestId: 'req-1',
      plentyOrderId: 555,
      incrementId: '000000123',
      magentoOrderId: 1001,
      writes: 6,
      processedAt: at.toISOString(),
      status: 'complete',
      route: '/rest/orders',
    });
  });

  it('leaves empty secrets visible as empty (a missing value is worth seeing) and stops at deep nesting', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 20; i++) cur = cur.next = {} as Record<string, unknown>;
    const out = redact({ password: '', token: null, deep }) as Record<string, unknown>;
    expect(out.password).to.equal('');
    expect(out.token).to.equal(null);
    expect(JSON.stringify(out)).to.include('[truncated]');
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('not shown');
    logger.debug('not shown');
    logger.warn('shown');
    expect(lines().map((l) => l.message)).to.deep.equal(['shown']);
  });
});
