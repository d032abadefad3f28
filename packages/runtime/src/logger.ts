import winston from 'winston';

/**
 * Keys whose values never reach a log line: secrets and tokens, and customers' personal data
 * (orders carry names, addresses, e-mails, phones). Compared case-insensitively with `-`, `_`
 * and spaces removed, so `X-Api-Key`, `api_key` and `apiKey` are one key.
 */
const REDACTED_KEYS = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authorization',
  'proxyauthorization',
  'apikey',
  'key',
  'accesstokenencrypted',
  'secretencrypted',
  'passwordencrypted',
  'cookie',
  'setcookie',
  'credentials',
  'privatekey',
  'email',
  'customeremail',
  'mail',
  'phone',
  'telephone',
  'mobile',
  'fax',
  'firstname',
  'lastname',
  'middlename',
  'fullname',
  'customerfirstname',
  'customerlastname',
  'customermiddlename',
  'customername',
  'contactname',
  'name1',
  'name2',
  'name3',
  'name4',
  'street',
  'address1',
  'address2',
  'address3',
  'address4',
  'postcode',
  'postalcode',
  'zip',
  'zipcode',
  'city',
  'town',
  'company',
  'vatid',
  'taxvat',
  'iban',
  'bic',
  'dob',
  'customerdob',
  'birthday',
  'remoteip',
  'value',
]);
/** ...and keys ending like these (`plentyPassword`, `clientSecret`, `x-api-key`, `bearerToken`) */
const REDACTED_SUFFIXES = ['password', 'secret', 'token', 'apikey', 'authorization', 'email'];
/**
 * Correlation and technical ids are never redacted, whatever the rules above say: they are what
 * ops search the logs by (and they carry no personal data).
 */
const NEVER_REDACTED = new Set([
  'jobid',
  'profileid',
  'orderid',
  'magentoorderid',
  'plentyorderid',
  'incrementid',
  'requestid',
  'scheduleid',
  'connectionid',
  'service',
  'level',
  'timestamp',
  'message',
]);

const normalise = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '');

export function isRedactedKey(key: string): boolean {
  const k = normalise(key);
  if (NEVER_REDACTED.has(k)) return false;
  return REDACTED_KEYS.has(k) || REDACTED_SUFFIXES.some((s) => k.endsWith(s));
}

const STRING_RULES: [RegExp, string][] = [
  // Authorization header values anywhere in a string
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  // key=value (query strings, form bodies, "password=..." in messages)
  [
    /\b(access_token|refresh_token|id_token|token|password|passwd|secret|api_?key|client_secret)=[^&\s"',;]+/gi,
    '$1=[redacted]',
  ],
  // "key": "value" inside JSON text (a response body quoted in an error message)
  [
    /"(access_token|accessToken|refresh_token|refreshToken|token|password|secret|api_?key|apiKey|authorization|Authorization)"\s*:\s*"[^"]*"/g,
    '"$1":"[redacted]"',
  ],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
];

export function redactString(value: string): string {
  let out = value;
  for (const [re, to] of STRING_RULES) out = out.replace(re, to);
  return out;
}

function redactError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: redactString(err.message) };
  if (err.stack) out.stack = redactString(err.stack);
  // small own fields of typed errors (status, code, route, retryAfterMs); never whole request/response objects
  for (const [k, v] of Object.entries(err)) {
    if (k in out || v == null) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[k] = isRedactedKey(k) ? '[redacted]' : redact(v, depth + 1);
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = redact(cause, depth + 1);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return redactError(value, depth);
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value && typeof value === 'object') {
    // Dates, decimals, URLs: what JSON would print
    const proto = Object.getPrototypeOf(value);
    if (
      proto !== Object.prototype &&
      proto !== null &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ) {
      return redact((value as { toJSON: () => unknown }).toJSON(), depth + 1);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isRedactedKey(k) && v != null && v !== '' ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp' || key === 'service') continue;
    const v = (info as Record<string, unknown>)[key];
    (info as Record<string, unknown>)[key] =
      isRedactedKey(key) && v != null && v !== '' ? '[redacted]' : redact(v);
  }
  return info;
});

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** write the JSON lines to this stream instead of the console (tests capture every line) */
  stream?: NodeJS.WritableStream;
}

/** Structured JSON logs with correlation fields; child loggers add jobId, profileId, orderId. */
export function createLogger(opts: LoggerOptions): Logger {
  return winston.createLogger({
    level: opts.level ?? 'info',
    defaultMeta: { service: opts.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [
      opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console(),
    ],
  });
}
