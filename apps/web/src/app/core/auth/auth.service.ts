import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type {
  AuthTokens,
  GuestBody,
  GuestTokens,
  LoginBody,
  LoginReply,
  MfaChallenge,
  PublicUser,
  RefreshBody,
  RegisterBody,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';
import { takeNext } from './next-url';

export const SESSION_STORAGE_KEY = 'hihi.session';

/** Paths of the auth API; requests to them never carry a bearer token and are never retried. */
export const AUTH_API = {
  register: '/api/auth/register',
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  logout: '/api/auth/logout',
  guest: '/api/auth/guest',
} as const;

/** Refresh this many milliseconds before the access token really expires. */
const EXPIRY_SKEW_MS = 15_000;

/** What is kept in Web Storage: localStorage when "remember me", sessionStorage otherwise. */
export interface StoredSession {
  user: PublicUser;
  accessToken: string;
  /** epoch milliseconds */
  expiresAt: number;
  /** absent for guests */
  refreshToken?: string;
  remember: boolean;
}

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  private readonly session = signal<StoredSession | null>(readStoredSession());
  private refreshing: Promise<string> | null = null;

  readonly user = computed(() => this.session()?.user ?? null);
  readonly isSignedIn = computed(() => this.session() !== null);
  readonly isGuest = computed(() => this.session()?.user.guest === true);
  /** the server asked this sign-in to enrol a second factor (`require2fa`, SPEC §12) */
  readonly secondFactorRequested = signal(false);

  /**
   * Where a sign-in lands: the security page when a second factor is asked for, else where the
   * person was headed (a link opened signed out, kept by the sign-in page), else the chat.
   */
  homeAfterSignIn(): string {
    const next = takeNext();
    return this.secondFactorRequested() ? '/security?enrol=1' : (next ?? '/chat');
  }

  /** The current access token, even if it may have expired. */
  accessToken(): string | null {
    return this.session()?.accessToken ?? null;
  }

  canRefresh(): boolean {
    return !!this.session()?.refreshToken;
  }

  hasFreshAccessToken(now = Date.now()): boolean {
    const s = this.session();
    return !!s && s.expiresAt - EXPIRY_SKEW_MS > now;
  }

  /** A usable access token: the current one, or a refreshed one when it is about to expire. */
  async validAccessToken(): Promise<string | null> {
    const s = this.session();
    if (!s) return null;
    if (this.hasFreshAccessToken() || !s.refreshToken) return s.accessToken;
    return this.refresh();
  }

  /** Signs in, or answers the second step to take when the account has 2FA on (SigninService). */
  async login(username: string, password: string, rememberMe: boolean): Promise<PublicUser | MfaChallenge> {
    const body: LoginBody = { username, password, rememberMe };
    const reply = await firstValueFrom(this.http.post<LoginReply>(AUTH_API.login, body));
    if ('mfaRequired' in reply) return reply;
    this.store(reply, rememberMe);
    return reply.user;
  }

  /** The account changed (profile, avatar): keep the new user with the session. */
  setUser(user: PublicUser): void {
    const current = this.session();
    if (!current || current.user.id !== user.id) return;
    const session: StoredSession = { ...current, user };
    this.session.set(session);
    const storage = session.remember ? safeStorage('local') : safeStorage('session');
    try {
      storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    } catch {
      /* the session still lives in memory */
    }
  }

  /** Keeps the tokens of a sign-in made another way (second step, passkey, single sign-on). */
  adopt(tokens: AuthTokens, remember: boolean): PublicUser {
    this.store(tokens, remember);
    return tokens.user;
  }

  /** Registers and signs in; a member already signed in here (an invite link) is signed out first on the server. */
  async register(body: RegisterBody): Promise<PublicUser> {
    const previous = this.session()?.refreshToken;
    const tokens = await firstValueFrom(this.http.post<AuthTokens>(AUTH_API.register, body));
    this.store(tokens, false);
    if (previous) {
      const logout: RefreshBody = { refreshToken: previous };
      firstValueFrom(this.http.post<void>(AUTH_API.logout, logout)).catch(() => undefined);
    }
    return tokens.user;
  }

  async guest(nickname?: string): Promise<PublicUser> {
    const body: GuestBody = nickname ? { nickname } : {};
    const tokens = await firstValueFrom(this.http.post<GuestTokens>(AUTH_API.guest, body));
    this.store(tokens, false);
    return tokens.user;
  }

  /**
   * Exchanges the refresh token for a new access and refresh token (rotation).
   * Concurrent callers share one request: a rotated refresh token must never be presented twice.
   */
  refresh(): Promise<string> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** Signs out on the server (best effort) and forgets the session locally. */
  async logout(): Promise<void> {
    const refreshToken = this.session()?.refreshToken;
    this.clear();
    if (refreshToken) {
      const body: RefreshBody = { refreshToken };
      try {
        await firstValueFrom(this.http.post<void>(AUTH_API.logout, body));
      } catch {
        /* the session is gone locally either way */
      }
    }
  }

  /** Forgets the session locally and goes to the sign-in page. */
  expire(): void {
    this.clear();
    void this.router.navigateByUrl('/login');
  }

  clear(): void {
    this.session.set(null);
    for (const storage of storages()) {
      try {
        storage.removeItem(SESSION_STORAGE_KEY);
      } catch {
        /* ignore */
      }
    }
  }

  private async doRefresh(): Promise<string> {
    const current = this.session();
    if (!current?.refreshToken) {
      this.expire();
      throw new Error('no refresh token');
    }
    const body: RefreshBody = { refreshToken: current.refreshToken };
    try {
      const tokens = await firstValueFrom(this.http.post<AuthTokens>(AUTH_API.refresh, body));
      this.store(tokens, current.remember);
      return tokens.accessToken;
    } catch (err) {
      if (err instanceof HttpErrorResponse && (err.status === 401 || err.status === 403)) {
        this.expire();
      }
      throw err;
    }
  }

  private store(tokens: AuthTokens | GuestTokens, remember: boolean): void {
    const refreshToken = 'refreshToken' in tokens ? tokens.refreshToken : undefined;
    const session: StoredSession = {
      user: tokens.user,
      accessToken: tokens.accessToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
      refreshToken,
      remember: remember && !!refreshToken,
    };
    this.session.set(session);
    this.secondFactorRequested.set('enrolSecondFactor' in tokens && tokens.enrolSecondFactor === true);
    const keep = session.remember ? safeStorage('local') : safeStorage('session');
    const drop = session.remember ? safeStorage('session') : safeStorage('local');
    try {
      drop?.removeItem(SESSION_STORAGE_KEY);
      keep?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    } catch {
      /* storage full or blocked: the session still lives in memory */
    }
  }
}

function safeStorage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function storages(): Storage[] {
  return [safeStorage('session'), safeStorage('local')].filter((s): s is Storage => !!s);
}

/** Reads a saved session, preferring the tab's own sessionStorage. */
export function readStoredSession(): StoredSession | null {
  for (const storage of storages()) {
    try {
      const raw = storage.getItem(SESSION_STORAGE_KEY);
      if (!raw) continue;
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      if (
        parsed &&
        typeof parsed.accessToken === 'string' &&
        typeof parsed.expiresAt === 'number' &&
        parsed.user &&
        typeof parsed.user.id === 'string'
      ) {
        return parsed as StoredSession;
      }
    } catch {
      /* corrupt entry: ignore */
    }
  }
  return null;
}
