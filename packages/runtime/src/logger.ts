import winston from 'winston';

/**
 * Keys whose values never reach a log line: secrets and tokens, and customers' personal data
 * (orders carry names, addresses, e-mails, phones).
 */
const REDACTED_KEYS = new Set(
  [
    'password', 'secret', 'token', 'accesstoken', 'access_token', 'refreshtoken', 'refresh_token', 'authorization',
    'apikey', 'api_key', 'key', 'accesstokenencrypted', 'secretencrypted', 'cookie', 'set-cookie',
    'email', 'customer_email', 'phone', 'telephone', 'firstname', 'lastname', 'first_name', 'last_name',
    'customer_firstname', 'customer_lastname', 'name1', 'name2', 'name3', 'name4', 'street', 'address1',
    'address2', 'address3', 'postcode', 'postalcode', 'vat_id', 'taxvat', 'iban', 'value',
  ].map((k) => k.toLowerCase()),
);
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (typeof value === 'string') return value.replace(BEARER, '$1[redacted]').replace(EMAIL, '[email]');
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: value.stack };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = REDACTED_KEYS.has(k.toLowerCase()) && v != null && v !== '' ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp' || key === 'service') continue;
    (info as Record<string, unknown>)[key] =
      REDACTED_KEYS.has(key.toLowerCase()) && key !== 'message'
        ? '[redacted]'
        : redact((info as Record<string, unknown>)[key]);
  }
  return info;
});

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** extra transport for tests (e.g. capture every line) */
  stream?: NodeJS.WritableStream;
}

/** Structured JSON logs with correlation fields; child loggers add jobId, profileId, orderId. */
export function createLogger(opts: LoggerOptions): Logger {
  return winston.createLogger({
    level: opts.level ?? 'info',
    defaultMeta: { service: opts.service },
    format: winston.format.combine(winston.format.errors({ stack: true }), redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console()],
  });
}
