package dev.marquee.history;

import dev.marquee.presence.Role;

/** One accepted message: the same fields as the wire {@code message} frame. */
public record StoredMessage(
    String session, long seq, long ts, String clientId, String name, Role role, String text) {}
