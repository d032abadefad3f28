import type { Request, Response } from 'express';

/** Plenty's error body: `{ error: { message, code } }`. */
export function plentyError(res: Response, status: number, message: string, code = status): void {
  res.status(status).json({ error: { message, code } });
}

export const notFound = (res: Response, what = 'No query results for model.') => plentyError(res, 404, what);

/** Plenty's pagination envelope. */
export function paginate<T>(req: Request, all: T[], defaultPerPage = 50, maxPerPage = 250) {
  const page = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1);
  const per = Math.min(
    maxPerPage,
    Math.max(1, Number.parseInt(String(req.query.itemsPerPage ?? defaultPerPage), 10) || defaultPerPage),
  );
  const total = all.length;
  const last = Math.max(1, Math.ceil(total / per));
  const start = (page - 1) * per;
  const entries = all.slice(start, start + per);
  return {
    page,
    totalsCount: total,
    isLastPage: page >= last,
    lastPageNumber: last,
    firstOnPage: entries.length ? start + 1 : 0,
    lastOnPage: start + entries.length,
    itemsPerPage: per,
    entries,
  };
}

/** `with[]=a&with[]=b`, `with=a,b` → set */
export function withSet(req: Request): Set<string> {
  const raw = req.query.with ?? req.query['with[]'];
  const list = ([] as unknown[]).concat(raw ?? []).flatMap((x) => String(x).split(','));
  return new Set(list.map((x) => x.trim()).filter(Boolean));
}

export function plentyTime(ms: number): string {
  // W3C with the system's offset; the sandbox runs its clock in UTC+00:00
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
