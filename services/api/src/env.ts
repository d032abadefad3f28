import { baseEnvSchema } from '@mpc/runtime';
import { z } from 'zod';

export const apiEnvSchema = baseEnvSchema.extend({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_HOST: z.string().default('0.0.0.0'),
  /** created as an admin key at start when no admin key exists yet (at least 24 characters) */
  API_BOOTSTRAP_ADMIN_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine(
      (v) => v === undefined || v.length >= 24,
      'API_BOOTSTRAP_ADMIN_KEY must be at least 24 characters',
    ),
  /** requests per minute per API key */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  /** comma-separated allowed origins; CORS is off when empty */
  CORS_ORIGINS: z.string().default(''),
  /** number of reverse proxies in front of the API (express "trust proxy") */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;
