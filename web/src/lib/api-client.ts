import type { ChatMessage, Counts, Role } from './protocol';

export interface CreatedSession {
  code: string;
  title: string | null;
  createdAt: string;
  expiresAt: string;
  ownerToken: string;
  epoch: string;
}

export interface SessionView {
  code: string;
  title: string | null;
  createdAt: string;
  expiresAt: string;
  lastActivityAt: string | null;
  endedAt: string | null;
  endReason?: string | null;
  lastSeq: number;
  epoch: string;
  presence: Counts;
  /** The owner keeps it locked: no new controllers. */
  locked?: boolean;
}

export interface KickResult {
  code: string;
  clientId: string;
  kicked: true;
  /** Whether the client was present (a kick in advance is allowed too). */
  wasPresent: boolean;
  bannedUntil: string;
}

export interface HistoryPage {
  messages: ChatMessage[];
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
}

export interface HistoryStats {
  count: number;
  firstAt: string | null;
  lastAt: string | null;
  durationMs: number;
  senders: number;
  bySender: { name: string; count: number }[];
}

export interface PresenceUser {
  clientId: string;
  name: string;
  role: Role;
  joinedAt: string;
  lastActiveAt: string;
  idle: boolean;
  via: 'ws' | 'http';
}

/** An HTTP error in the protocol's shape, with the wait a 429 asks for. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Fetch = typeof fetch;

/** The HTTP half of PROTOCOL.md. `base` is '' in the app (same origin). */
export class MarqueeApi {
  constructor(
    private readonly base = '',
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
  ) {}

  createSession(title?: string): Promise<CreatedSession> {
    return this.request('POST', '/api/session', title ? { title } : {});
  }

  session(code: string): Promise<SessionView> {
    return this.request('GET', `/api/session/${enc(code)}`);
  }

  endSession(code: string, ownerToken: string): Promise<SessionView> {
    return this.request('DELETE', `/api/session/${enc(code)}`, undefined, ownerToken);
  }

  /** Owner only: no new controllers while locked; those already admitted keep their place. */
  lockSession(code: string, locked: boolean, ownerToken: string): Promise<{ code: string; locked: boolean }> {
    return this.request('POST', `/api/session/${enc(code)}/lock`, { locked }, ownerToken);
  }

  /** Owner only: closes the client's sockets (close 4502) and keeps it out for a while. */
  kick(code: string, clientId: string, ownerToken: string): Promise<KickResult> {
    return this.request('POST', `/api/session/${enc(code)}/kick`, { clientId }, ownerToken);
  }

  historyPage(code: string, page = 1, limit = 20): Promise<HistoryPage> {
    return this.request('GET', `/api/session/${enc(code)}/history?page=${page}&limit=${limit}`);
  }

  latest(code: string, limit = 20): Promise<{ messages: ChatMessage[] }> {
    return this.request('GET', `/api/session/${enc(code)}/history/latest?limit=${limit}`);
  }

  search(code: string, q: string, page = 1, limit = 20): Promise<HistoryPage> {
    const query = new URLSearchParams({ q, page: String(page), limit: String(limit) });
    return this.request('GET', `/api/session/${enc(code)}/history/search?${query}`);
  }

  stats(code: string): Promise<HistoryStats> {
    return this.request('GET', `/api/session/${enc(code)}/history/stats`);
  }

  presence(code: string): Promise<{ online: number; idle: number } & Counts> {
    return this.request('GET', `/api/session/${enc(code)}/presence`);
  }

  presenceUsers(code: string): Promise<{ users: PresenceUser[] }> {
    return this.request('GET', `/api/session/${enc(code)}/presence/users`);
  }

  private async request<T>(method: string, path: string, body?: unknown, bearer?: string): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached.');
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      const retryAfter = Number(response.headers.get('Retry-After'));
      throw new ApiError(
        response.status,
        error?.code ?? 'http_' + response.status,
        error?.message ?? `The server answered ${response.status}.`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return json as T;
  }
}

function enc(code: string): string {
  return encodeURIComponent(code);
}

export const api = new MarqueeApi();
