import { randomBytes } from 'node:crypto';

export interface PlentyUser {
  username: string;
  password: string;
}

interface Session {
  username: string;
  expiresAt: number;
  refreshToken: string;
}

export type LoginResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; body: Record<string, unknown> };

/**
 * Back-end user sessions: POST /rest/login issues an access token (both key spellings in the
 * answer), /rest/login/refresh rotates it; tokens expire after `tokenLifetimeSeconds`.
 */
export class PlentyAuth {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, { username: string; expiresAt: number }>();

  constructor(
    private users: PlentyUser[],
    public tokenLifetimeSeconds: number,
    public maxConcurrentSessions: number | undefined,
    private readonly now: () => number,
  ) {}

  private activeSessions(): number {
    const t = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(k);
    return this.sessions.size;
  }

  private issue(username: string): Record<string, unknown> {
    const access = `sbx.${randomBytes(24).toString('base64url')}`;
    const refresh = randomBytes(32).toString('hex');
    const expiresIn = this.tokenLifetimeSeconds;
    this.sessions.set(access, { username, expiresAt: this.now() + expiresIn * 1000, refreshToken: refresh });
    this.refreshTokens.set(refresh, { username, expiresAt: this.now() + 30 * 86400 * 1000 });
    return {
      token_type: 'Bearer',
      expires_in: expiresIn,
      access_token: access,
      refresh_token: refresh,
      tokenType: 'Bearer',
      expiresIn,
      accessToken: access,
      refreshToken: refresh,
      concurrent_sessions: this.activeSessions(),
      max_current_sessions: this.maxConcurrentSessions ?? 40,
    };
  }

  login(username: unknown, password: unknown): LoginResult {
    const user = this.users.find((u) => u.username === username && u.password === password);
    if (!user)
      return {
        ok: false,
        status: 401,
        body: { error: 'invalid_credentials', message: 'The user credentials were incorrect.' },
      };
    if (this.maxConcurrentSessions !== undefined && this.activeSessions() >= this.maxConcurrentSessions) {
      return {
        ok: false,
        status: 429,
        body: {
          error: 'too_many_concurrent_sessions',
          max_current_sessions: this.maxConcurrentSessions,
          message: 'The maximum number of concurrent back end sessions has been reached.',
        },
      };
    }
    return { ok: true, body: this.issue(user.username) };
  }

  /** Rotates: the old refresh token and its access token stop working. */
  refresh(refreshToken: unknown): LoginResult {
    const r = typeof refreshToken === 'string' ? this.refreshTokens.get(refreshToken) : undefined;
    if (!r || r.expiresAt <= this.now())
      return {
        ok: false,
        status: 401,
        body: { error: 'invalid_refresh_token', message: 'The refresh token is invalid.' },
      };
    this.refreshTokens.delete(refreshToken as string);
    for (const [k, s] of this.sessions) if (s.refreshToken === refreshToken) this.sessions.delete(k);
    return { ok: true, body: this.issue(r.username) };
  }

  /** The user of a valid, unexpired access token. */
  check(accessToken: string | undefined): string | undefined {
    if (!accessToken) return undefined;
    const s = this.sessions.get(accessToken);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(accessToken);
      return undefined;
    }
    return s.username;
  }

  logout(accessToken: string): void {
    this.sessions.delete(accessToken);
  }

  reset(users?: PlentyUser[]): void {
    this.sessions.clear();
    this.refreshTokens.clear();
    if (users) this.users = users;
  }
}
