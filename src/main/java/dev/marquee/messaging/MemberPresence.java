package dev.marquee.messaging;

import dev.marquee.presence.PresenceEvents;

/**
 * One socket's member in presence: whether it is in, and when it was last heard from. Confined to
 * the socket's event loop.
 */
final class MemberPresence {
  /**
   * A busy sender would otherwise cost a presence write per frame; idleness is measured in minutes,
   * so one touch per this long (on the engine's clock) is enough, except right after the member was
   * marked idle, when the first frame makes it active.
   */
  private static final long TOUCH_EVERY_MS = 10_000;

  private final Realtime rt;
  private String session;
  private String clientId;
  private boolean in;
  private boolean markedIdle;
  private long lastTouchMs;

  MemberPresence(Realtime rt) {
    this.rt = rt;
  }

  /** The socket is joining as {@code clientId}: joining counts as being heard from. */
  void joining(String session, String clientId) {
    this.session = session;
    this.clientId = clientId;
    this.lastTouchMs = rt.sessions().now().toEpochMilli();
  }

  /** The join put the member in presence. */
  void entered() {
    in = true;
  }

  /** Presence already let the member go (idle, ended): nothing to leave. */
  void forget() {
    in = false;
  }

  void markedIdle() {
    markedIdle = true;
  }

  /** Tells presence the member was heard from, at most once per {@link #TOUCH_EVERY_MS}. */
  void touch() {
    long now = rt.sessions().now().toEpochMilli();
    if (!markedIdle && now - lastTouchMs < TOUCH_EVERY_MS) {
      return;
    }
    lastTouchMs = now;
    markedIdle = false;
    rt.presence()
        .touch(session, clientId)
        .onSuccess(change -> PresenceEvents.announce(rt.bus(), change));
  }

  /** Takes the member out of presence, once, announcing and recording the change. */
  void leave(String reason) {
    if (!in) {
      return;
    }
    in = false;
    rt.presence()
        .leave(session, clientId, reason)
        .onSuccess(
            change -> {
              PresenceEvents.announce(rt.bus(), change);
              PresenceEvents.record(rt.analytics(), change);
            });
  }
}
