// The wire shapes of shared PROTOCOL.md, version 1. Names here are the contract's; do not rename.

export type Role = 'display' | 'controller';

export interface Sender {
  clientId: string;
  name: string;
  role: Role;
}

export interface Counts {
  controller: number;
  display: number;
}

/** One segment of a search result's text; `match` marks a searched word. */
export interface Segment {
  text: string;
  match: boolean;
}

/** A message as delivered live (without `type`) and as history returns it. */
export interface ChatMessage {
  session: string;
  seq: number;
  ts: number;
  from: Sender;
  text: string;
  highlight?: Segment[];
}

export interface JoinFrame {
  type: 'join';
  session: string;
  role: Role;
  name: string;
  clientId?: string;
  lastSeq?: number;
  epoch?: string;
}

export interface JoinedFrame {
  type: 'joined';
  session: string;
  role: Role;
  clientId: string;
  lastSeq: number;
  epoch: string;
  expiresAt: string;
  presence: Counts;
  recovered: boolean;
  /** The owner locked the session: no new controllers (absent from servers before locking). */
  locked?: boolean;
}

export interface MessageFrame extends ChatMessage {
  type: 'message';
}

export interface AckFrame {
  type: 'ack';
  ref: string;
  seq: number;
}

export type PresenceEvent = 'join' | 'leave' | 'idle' | 'active';

export interface PresenceFrame {
  type: 'presence';
  event: PresenceEvent;
  user: Sender;
  counts: Counts;
  reason?: string;
}

export interface WarningFrame {
  type: 'warning';
  reason: 'inactivity' | string;
  endsAt: string;
  endsInMs: number;
}

export type EndReason = 'expired' | 'inactive' | 'closed';

export interface EndedFrame {
  type: 'ended';
  reason: EndReason | string;
}

export interface ReconnectFrame {
  type: 'reconnect';
  reason: string;
}

/** The owner locked or unlocked the session (every member hears it, on every instance). */
export interface LockFrame {
  type: 'lock';
  locked: boolean;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  ref?: string;
  retryAfterMs?: number;
}

export interface PongFrame {
  type: 'pong';
  ref?: string;
}

export type ServerFrame =
  | JoinedFrame
  | MessageFrame
  | AckFrame
  | PresenceFrame
  | WarningFrame
  | EndedFrame
  | ReconnectFrame
  | LockFrame
  | ErrorFrame
  | PongFrame;

/** PROTOCOL.md: text is 1..2000 characters, counted as Unicode code points. */
export const MAX_TEXT = 2000;

export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Close codes, and what each range asks of a client. */
export const CloseCodes = {
  NORMAL: 1000,
  POLICY: 1008,
  TOO_LARGE: 1009,
  SERVER_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  SHUTDOWN: 4000,
  SLOW_CONSUMER: 4001,
  SESSION_ENDED: 4500,
  SESSION_NOT_FOUND: 4501,
  KICKED: 4502,
} as const;

/** 4500-4999: the server says do not come back. Everything else may be retried. */
export function isFinalClose(code: number): boolean {
  return code >= 4500 && code <= 4999;
}
