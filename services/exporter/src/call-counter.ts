import { AsyncLocalStorage } from 'node:async_hooks';

/** Plenty calls made for one order export: the figure that bounds throughput (Plenty's budget). */
export interface CallCount {
  reads: number;
  writes: number;
  byRoute: Record<string, number>;
}

const store = new AsyncLocalStorage<CallCount>();

export function newCallCount(): CallCount {
  return { reads: 0, writes: 0, byRoute: {} };
}

/** Runs `fn` with a fresh counter that every Plenty call inside it increments. */
export function countCalls<T>(count: CallCount, fn: () => Promise<T>): Promise<T> {
  return store.run(count, fn);
}

export function recordCall(info: {
  method: string;
  route: string;
  kind: 'read' | 'write';
  auth?: boolean;
}): void {
  const count = store.getStore();
  if (!count || info.auth) return;
  if (info.kind === 'read') count.reads++;
  else count.writes++;
  const key = `${info.method} ${info.route}`;
  count.byRoute[key] = (count.byRoute[key] ?? 0) + 1;
}
