import type {
  AckFrame,
  ChatMessage,
  EndedFrame,
  ErrorFrame,
  JoinedFrame,
  PresenceFrame,
  Role,
  WarningFrame,
} from './protocol';

// The shapes around MarqueeClient (ws-client.ts): its socket, options, states and events.

/** The part of the browser's WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

/**
 * - connecting: an attempt under way; reconnecting: lost, trying again (after a wait);
 * - open: joined and live; ended / not_found / kicked: the server said not to come back;
 * - locked_out: a controller join the owner's lock refused; nothing more is tried until `retry()`;
 * - stopped: this client was stopped by its owner.
 */
export type ConnectionState =
  'connecting' | 'open' | 'reconnecting' | 'ended' | 'not_found' | 'kicked' | 'locked_out' | 'stopped';

export interface ClientOptions {
  /** ws:// or wss:// URL of /ws. */
  url: string;
  session: string;
  role: Role;
  name: string;
  /** Stable across reconnects, so the server counts one member and one rate-limit key. */
  clientId: string;
  /** Resume from here (seq and epoch last seen), e.g. after a page reload. */
  lastSeq?: number;
  epoch?: string;
  socket?: SocketFactory;
  /** Back-off between attempts: a random wait in [base/2, base], base doubling up to maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  pingIntervalMs?: number;
  /** No pong (or any frame) this long after a ping: the connection is dead, reconnect. */
  pongTimeoutMs?: number;
  /** An attempt that has not joined by then is given up and retried. */
  joinTimeoutMs?: number;
  random?: () => number;
}

/** Why the app should (re)load history over HTTP: the socket could not fill a gap. */
export type ResyncReason = 'not_recovered' | 'new_epoch';

export interface ClientEvents {
  state: (state: ConnectionState, detail: { closeCode?: number; retryInMs?: number }) => void;
  joined: (frame: JoinedFrame) => void;
  /** Each message once, in seq order: replays and live ones, never a seq already delivered. */
  message: (message: ChatMessage) => void;
  ack: (frame: AckFrame) => void;
  error: (frame: ErrorFrame) => void;
  presence: (frame: PresenceFrame) => void;
  warning: (frame: WarningFrame) => void;
  ended: (frame: EndedFrame) => void;
  /** The owner locked or unlocked the session since the join (the join's state: `joined.locked`). */
  lock: (locked: boolean) => void;
  /** After `joined`: messages may be missing (or renumbered, on a new epoch); refetch history. */
  resync: (reason: ResyncReason, joined: JoinedFrame) => void;
}
