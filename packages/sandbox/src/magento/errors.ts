import type { Response } from 'express';

/** Magento's web API error body: `{ message, parameters }` (+ `errors[]` for aggregated input errors). */
export function magentoError(
  res: Response,
  status: number,
  message: string,
  parameters: Record<string, unknown> | unknown[] = [],
  extra: Record<string, unknown> = {},
): void {
  res.status(status).json({ message, parameters, ...extra });
}

export const NOT_FOUND_ENTITY =
  "The entity that was requested doesn't exist. Verify the entity and try again.";
export const NO_ROUTE = 'Request does not match any route.';
export const UNAUTHORIZED = "The consumer isn't authorized to access %resources.";
export const REQUIRED_FIELD = '"%fieldName" is required. Enter and try again.';
