import type { NextFunction, Request, Response } from 'express';

/** Calls per normalised route template, e.g. `POST /rest/orders` or `GET /rest/orders/{orderId}`. */
export class CallCounter {
  readonly calls = new Map<string, number>();
  readonly byStatus = new Map<string, number>();
  total = 0;

  count(route: string, status: number): void {
    this.total++;
    this.calls.set(route, (this.calls.get(route) ?? 0) + 1);
    const k = `${route} ${status}`;
    this.byStatus.set(k, (this.byStatus.get(k) ?? 0) + 1);
  }
  get(route: string): number {
    return this.calls.get(route) ?? 0;
  }
  reset(): void {
    this.calls.clear();
    this.byStatus.clear();
    this.total = 0;
  }
  toJSON() {
    return {
      total: this.total,
      byRoute: Object.fromEntries([...this.calls].sort()),
      byRouteAndStatus: Object.fromEntries([...this.byStatus].sort()),
    };
  }
}

/** express path (`/rest/orders/:orderId`) → template (`/rest/orders/{orderId}`). */
export const toTemplate = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** Counts a finished request under its matched route template (unmatched: `<METHOD> <unmatched>`). */
export function countCalls(counter: CallCounter, skip: (req: Request) => boolean = () => false) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (skip(req)) return next();
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const tpl =
        (res.locals.routeTemplate as string | undefined) ??
        (req.route?.path ? toTemplate(String(req.route.path)) : '<unmatched>');
      counter.count(`${req.method} ${tpl}`, res.headersSent ? res.statusCode : 0);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
