export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Small JSON client for the sandboxes (tests only). */
export function client(base: string) {
  let token: string | undefined;
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> => {
    const r = await fetch(base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: r.status, body: parsed as T, headers: r.headers };
  };
  return {
    call,
    setToken(t: string | undefined) {
      token = t;
    },
  };
}

export const sc = (params: Record<string, string | number>) =>
  Object.entries(params)
    .map(([k, v]) => `searchCriteria${k}=${encodeURIComponent(String(v))}`)
    .join('&');
