import { z } from 'zod';

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. https://shop.example.com' })
  .max(500);
const name = z.string().trim().min(1, 'must not be empty').max(200);
const secret = z.string().min(1, 'must not be empty').max(4096);

export const connectionCreateSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('magento'), name, baseUrl, accessToken: secret }),
    z.strictObject({
      kind: z.literal('plenty'),
      name,
      baseUrl,
      username: z.string().min(1).max(200),
      password: secret,
    }),
  ])
  .meta({ id: 'ConnectionCreate' });
export type ConnectionCreate = z.infer<typeof connectionCreateSchema>;

export const connectionUpdateSchema = z
  .strictObject({
    name: name.optional(),
    baseUrl: baseUrl.optional(),
    username: z.string().min(1).max(200).optional(),
    /** magento only */
    accessToken: secret.optional(),
    /** plenty only */
    password: secret.optional(),
  })
  .meta({ id: 'ConnectionUpdate' });

export const connectionSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['magento', 'plenty']),
    name: z.string(),
    baseUrl: z.string(),
    username: z.string().nullable(),
    /** secrets are write-only: only whether one is stored */
    secretSet: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Connection' });

export const connectionTestResultSchema = z
  .object({
    ok: z.boolean(),
    /** on failure: the stage that failed (e.g. dns, connect, tls, auth, permissions, response) */
    stage: z.string().optional(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ConnectionTestResult' });
