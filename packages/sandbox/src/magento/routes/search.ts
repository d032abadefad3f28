import type { Request, Response } from 'express';
import type { MagentoContext } from '../context';
import { magentoError } from '../errors';
import { parseFields, selectFields } from '../fields';
import { parseSearchCriteria, type SearchCriteria, SearchCriteriaError } from '../search-criteria';

export function rawQuery(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i < 0 ? '' : req.originalUrl.slice(i + 1);
}

/** Parses searchCriteria, answering Magento's 400 on bad input; undefined when answered. */
export function criteriaOf(ctx: MagentoContext, req: Request, res: Response): SearchCriteria | undefined {
  try {
    const sc = parseSearchCriteria(rawQuery(req));
    if (ctx.maxPageSize !== undefined && sc.pageSize !== undefined && sc.pageSize > ctx.maxPageSize) {
      magentoError(res, 400, 'Maximum SearchCriteria pageSize is %max', { max: ctx.maxPageSize });
      return undefined;
    }
    return sc;
  } catch (e) {
    if (e instanceof SearchCriteriaError) {
      magentoError(res, e.status, e.message, e.parameters);
      return undefined;
    }
    throw e;
  }
}

/** Sends a body, applying the `fields` selection when the client asked for one. */
export function sendSelected(req: Request, res: Response, body: unknown): void {
  const fields = typeof req.query.fields === 'string' ? req.query.fields : undefined;
  res.json(fields ? selectFields(body, parseFields(fields)) : body);
}

export function searchResult(items: unknown[], sc: SearchCriteria, total: number) {
  return { items, search_criteria: sc.echo, total_count: total };
}
