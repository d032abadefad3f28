import { z } from 'zod';

/** Environment shared by every service; each service extends it with its own keys. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/mpc'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; tests use a unique one per run */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('mpc'),
  /** base64 of 32 bytes: AES-256-GCM key for connection secrets */
  SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'SECRETS_KEY must be 32 bytes, base64 encoded'),
  /** comma-separated earlier keys, still accepted for decryption during a key rotation */
  SECRETS_KEY_PREVIOUS: z.string().default(''),
  /** port of the small health/metrics server of worker services (0 = random) */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(50_000),
});
export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Validates the environment once at start; throws one error listing every problem. */
export function readEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid environment variables:\n${lines.join('\n')}`);
  }
  return result.data;
}
