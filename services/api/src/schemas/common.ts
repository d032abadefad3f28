import { z } from 'zod';

export const INT4_MAX = 2_147_483_647;
/** path/query ids: positive int4, given as a decimal string */
export const idString = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => n <= INT4_MAX, 'is too large')
  .pipe(z.number().int());
export const idParams = z.strictObject({ id: idString });
export const isoDate = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z',
});

export const okSchema = z.object({ ok: z.boolean() });

/** Keyset pagination: `limit` + opaque `cursor` from the previous page's `nextCursor`. */
export const pageQueryShape = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, 'must be an integer from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500'))
    .optional(),
  cursor: z.string().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

export function pageSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      /** pass as `cursor` to get the next (older) page; null on the last page */
      nextCursor: z.string().nullable(),
      limit: z.number().int(),
      /** exact up to 10000, on the first page only (no cursor); null on later pages */
      total: z.number().int().nullable(),
      /** false when there are more than 10000 matching rows (total is then 10000, a lower bound) */
      totalExact: z.boolean().nullable(),
    })
    .meta({ id });
}
