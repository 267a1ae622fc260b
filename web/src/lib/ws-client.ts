import { CloseCodes, isFinalClose, type JoinedFrame, type JoinFrame, type ServerFrame } from './protocol';
import type { ClientEvents, ClientOptions, ConnectionState, SocketLike } from './ws-types';

export type { ClientEvents, ClientOptions, ConnectionState, ResyncReason, SocketFactory, SocketLike } from './ws-types';

type Listeners = { [K in keyof ClientEvents]: Set<ClientEvents[K]> };

const OPEN = 1;
const FINAL: ReadonlySet<ConnectionState> = new Set(['ended', 'not_found', 'kicked', 'locked_out']);

/** States in which the client tries nothing more by itself: the views show why instead. */
export function isOut(state: ConnectionState): boolean {
  return FINAL.has(state);
}

/**
 * One member of one session over PROTOCOL.md's WebSocket: joins, resumes with lastSeq/epoch after
 * any drop, backs off between attempts, obeys the close-code ranges, and hands each message to
 * its listeners exactly once. It knows nothing of React; the hooks in features/session wrap it.
 */
export class MarqueeClient {
  private readonly opts: Required<Omit<ClientOptions, 'lastSeq' | 'epoch'>>;
  private readonly listeners: Listeners = {
    state: new Set(),
    joined: new Set(),
    message: new Set(),
    ack: new Set(),
    error: new Set(),
    presence: new Set(),
    warning: new Set(),
    ended: new Set(),
    lock: new Set(),
    resync: new Set(),
  };
  private socket: SocketLike | null = null;
  private attempt = 0;
  private refs = 0;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongDeadline: ReturnType<typeof setTimeout> | null = null;
  private joinDeadline: ReturnType<typeof setTimeout> | null = null;
  private joinedFrame: JoinedFrame | null = null;
  private _state: ConnectionState = 'connecting';
  private _lastSeq: number | undefined;
  private _epoch: string | undefined;
  private stopped = false;

  constructor(options: ClientOptions) {
    this.opts = {
      socket: (url) => new WebSocket(url) as unknown as SocketLike,
      backoff: { initialMs: 500, maxMs: 8_000 },
      pingIntervalMs: 25_000,
      pongTimeoutMs: 10_000,
      joinTimeoutMs: 10_000,
      random: Math.random,
      ...options,
    };
    this._lastSeq = options.lastSeq;
    this._epoch = options.epoch;
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** The highest seq delivered to listeners (what a rejoin resumes from). */
  get lastSeq(): number | undefined {
    return this._lastSeq;
  }

  get epoch(): string | undefined {
    return this._epoch;
  }

  /** The latest `joined`, while joined. */
  get joined(): JoinedFrame | null {
    return this._state === 'open' ? this.joinedFrame : null;
  }

  on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): () => void {
    this.listeners[event].add(fn);
    return () => this.listeners[event].delete(fn);
  }

  start(): this {
    this.stopped = false;
    this.connect();
    return this;
  }

  /** Leaves (when joined) and closes; no reconnect after this. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const s = this.socket;
    if (s && s.readyState === OPEN && this.joinedFrame) {
      try {
        s.send(JSON.stringify({ type: 'leave' }));
      } catch {
        // closing anyway
      }
    }
    this.dropSocket(CloseCodes.NORMAL);
    this.clearTimers();
    this.setState('stopped', {});
  }

  /**
   * Asks again after a join the lock refused (`locked_out`), say once the owner unlocked; the
   * client never does this by itself. Does nothing in any other state.
   */
  retry(): void {
    if (this.stopped || this._state !== 'locked_out') return;
    this.attempt = 0;
    this.setState('connecting', {});
    this.connect();
  }

  /** Skips the current back-off wait (the browser came back online, the tab became visible). */
  reconnectNow(): void {
    if (this.stopped || this._state !== 'reconnecting' || this.socket) return;
    this.clearTimers();
    this.connect();
  }

  /**
   * Sends a message (controllers only) and returns its ref, to match the `ack` or `error` that
   * answers it; null when not joined (nothing was sent).
   */
  send(text: string): string | null {
    if (this._state !== 'open' || !this.socket) return null;
    const ref = `m-${Date.now().toString(36)}-${++this.refs}`;
    this.socket.send(JSON.stringify({ type: 'send', text, ref }));
    return ref;
  }

  private connect(): void {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.opts.socket(this.opts.url);
    } catch {
      this.scheduleReconnect(undefined, undefined);
      return;
    }
    this.socket = socket;
    this.joinedFrame = null;
    this.joinDeadline = setTimeout(() => {
      if (this.socket === socket && !this.joinedFrame) this.dropSocket(CloseCodes.NORMAL, true);
    }, this.opts.joinTimeoutMs);
    socket.onopen = () => {
      const join: JoinFrame = {
        type: 'join',
        session: this.opts.session,
        role: this.opts.role,
        name: this.opts.name,
        clientId: this.opts.clientId,
      };
      if (this._lastSeq !== undefined) join.lastSeq = this._lastSeq;
      if (this._epoch !== undefined) join.epoch = this._epoch;
      socket.send(JSON.stringify(join));
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket || typeof ev.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return;
      }
      this.handle(frame);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.onClosed(ev.code);
    };
    socket.onerror = () => {
      // A close event always follows; it decides.
    };
  }

  private handle(frame: ServerFrame): void {
    this.heard();
    switch (frame.type) {
      case 'joined':
        return this.onJoined(frame);
      case 'message': {
        if (this._lastSeq !== undefined && frame.seq <= this._lastSeq) return; // seen it
        this._lastSeq = frame.seq;
        const { type: _type, ...message } = frame;
        return this.emit('message', message);
      }
      case 'ack':
        return this.emit('ack', frame);
      case 'presence':
        return this.emit('presence', frame);
      case 'warning':
        return this.emit('warning', frame);
      case 'lock':
        return this.emit('lock', frame.locked === true);
      case 'ended':
        this.emit('ended', frame);
        this.final('ended');
        return;
      case 'reconnect':
        // The server is going away: go now, to whichever instance answers, without back-off.
        this.attempt = 0;
        this.dropSocket(CloseCodes.NORMAL);
        this.scheduleReconnect(CloseCodes.SHUTDOWN, 50 + this.opts.random() * 250);
        return;
      case 'error':
        if (frame.code === 'kicked') {
          // Close 4502 follows; either one is final, whichever arrives first.
          this.emit('error', frame);
          this.final('kicked');
          return;
        }
        if (!this.joinedFrame && frame.code === 'session_locked') {
          // Only the owner can change this: stop until asked to retry, rather than loop.
          this.emit('error', frame);
          this.final('locked_out');
          return;
        }
        if (!this.joinedFrame && (frame.code === 'rate_limited' || frame.code === 'unavailable')) {
          // The join itself was refused for now: wait as asked, then try again.
          this.emit('error', frame);
          this.dropSocket(CloseCodes.NORMAL);
          this.scheduleReconnect(undefined, Math.max(frame.retryAfterMs ?? 0, this.nextDelay()));
          return;
        }
        return this.emit('error', frame);
      case 'pong':
        return;
    }
  }

  private onJoined(frame: JoinedFrame): void {
    const newEpoch = this._epoch !== undefined && frame.epoch !== this._epoch;
    this._epoch = frame.epoch;
    this.joinedFrame = frame;
    this.attempt = 0;
    if (this.joinDeadline) clearTimeout(this.joinDeadline);
    if (!frame.recovered || newEpoch) {
      // Nothing will be replayed: what comes now is newer than frame.lastSeq.
      this._lastSeq = frame.lastSeq;
    }
    this.startPing();
    this.setState('open', {});
    this.emit('joined', frame);
    if (newEpoch) this.emit('resync', 'new_epoch', frame);
    else if (!frame.recovered) this.emit('resync', 'not_recovered', frame);
  }

  private onClosed(code: number): void {
    this.socket = null;
    this.joinedFrame = null;
    this.stopPing();
    if (this.stopped || FINAL.has(this._state)) return;
    if (isFinalClose(code)) {
      this.final(
        code === CloseCodes.SESSION_NOT_FOUND ? 'not_found' : code === CloseCodes.KICKED ? 'kicked' : 'ended',
        code,
      );
      return;
    }
    this.scheduleReconnect(code, undefined);
  }

  private final(state: 'ended' | 'not_found' | 'kicked' | 'locked_out', code?: number): void {
    this.dropSocket(CloseCodes.NORMAL);
    this.clearTimers();
    this.setState(state, { closeCode: code });
  }

  private scheduleReconnect(code: number | undefined, delay: number | undefined): void {
    if (this.stopped) return;
    const wait = Math.round(delay ?? this.nextDelay());
    this.attempt++;
    this.setState('reconnecting', { closeCode: code, retryInMs: wait });
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.connect();
    }, wait);
    this.timers.add(t);
  }

  private nextDelay(): number {
    const { initialMs, maxMs } = this.opts.backoff;
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    return base / 2 + (this.opts.random() * base) / 2;
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      const s = this.socket;
      if (!s || s.readyState !== OPEN) return;
      s.send(JSON.stringify({ type: 'ping', ref: `p-${++this.refs}` }));
      if (!this.pongDeadline) {
        this.pongDeadline = setTimeout(() => {
          this.pongDeadline = null;
          if (this.socket === s) this.dropSocket(CloseCodes.NORMAL, true);
        }, this.opts.pongTimeoutMs);
      }
    }, this.opts.pingIntervalMs);
  }

  /** Any frame proves the connection alive. */
  private heard(): void {
    if (this.pongDeadline) {
      clearTimeout(this.pongDeadline);
      this.pongDeadline = null;
    }
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.heard();
  }

  /** Closes the current socket; with `retry`, handles it as a lost connection. */
  private dropSocket(code: number, retry = false): void {
    const s = this.socket;
    this.socket = null;
    this.joinedFrame = null;
    this.stopPing();
    if (this.joinDeadline) clearTimeout(this.joinDeadline);
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close(code);
      } catch {
        // already closed
      }
    }
    if (retry) this.scheduleReconnect(undefined, undefined);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.stopPing();
    if (this.joinDeadline) clearTimeout(this.joinDeadline);
  }

  private setState(state: ConnectionState, detail: { closeCode?: number; retryInMs?: number }): void {
    this._state = state;
    this.emit('state', state, detail);
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    for (const fn of this.listeners[event]) {
      (fn as (...a: Parameters<ClientEvents[K]>) => void)(...args);
    }
  }
}

/** ws(s)://<this host>/ws, from the page's own location. */
export function socketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
