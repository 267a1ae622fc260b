package dev.marquee.messaging;

import dev.marquee.api.Times;
import dev.marquee.bus.RoomEvent;
import dev.marquee.history.StoredMessage;
import dev.marquee.history.StoredMessageJson;
import dev.marquee.presence.PresenceRegistry.Counts;
import dev.marquee.session.SessionState;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Server-to-client frames of PROTOCOL.md, encoded to their wire JSON text. */
final class Frames {
  private Frames() {}

  /**
   * A frame's text and its UTF-8 bytes, encoded once for a whole fan-out (server frames are not
   * masked, so every member gets the same bytes).
   */
  record Encoded(String text, byte[] utf8) {}

  static Encoded encoded(String text) {
    return new Encoded(text, text.getBytes(StandardCharsets.UTF_8));
  }

  static String joined(
      SessionState session,
      String role,
      String clientId,
      long lastSeq,
      Counts counts,
      boolean recovered,
      boolean locked) {
    return new JsonObject()
        .put("type", "joined")
        .put("session", session.code())
        .put("role", role)
        .put("clientId", clientId)
        .put("lastSeq", lastSeq)
        .put("epoch", session.epoch())
        .put("expiresAt", Times.iso(session.expiresAt()))
        .put("presence", counts(counts.controller(), counts.display()))
        .put("recovered", recovered)
        .put("locked", locked)
        .encode();
  }

  /** {@code type} first, then {@link StoredMessageJson}'s fields in its order. */
  static String message(StoredMessage m) {
    StringBuilder out = new StringBuilder(128 + m.text().length());
    out.append("{\"type\":\"message\",\"session\":");
    JsonText.string(out, m.session()).append(",\"seq\":").append(m.seq());
    out.append(",\"ts\":").append(m.ts()).append(",\"from\":{\"clientId\":");
    JsonText.string(out, m.clientId()).append(",\"name\":");
    JsonText.string(out, m.name()).append(",\"role\":");
    JsonText.string(out, m.role().wire()).append("},\"text\":");
    return JsonText.string(out, m.text()).append('}').toString();
  }

  static String ack(String ref, long seq) {
    StringBuilder out = new StringBuilder(48).append("{\"type\":\"ack\",");
    if (ref != null) {
      JsonText.string(out.append("\"ref\":"), ref).append(',');
    }
    return out.append("\"seq\":").append(seq).append('}').toString();
  }

  static String presence(RoomEvent.Presence p) {
    JsonObject frame =
        new JsonObject()
            .put("type", "presence")
            .put("event", p.event())
            .put(
                "user",
                new JsonObject()
                    .put("clientId", p.clientId())
                    .put("name", p.name())
                    .put("role", p.role()))
            .put("counts", counts(p.controllers(), p.displays()));
    if (p.reason() != null) {
      frame.put("reason", p.reason());
    }
    return frame.encode();
  }

  static String warning(Instant endsAt, long endsInMs) {
    return new JsonObject()
        .put("type", "warning")
        .put("reason", "inactivity")
        .put("endsAt", Times.iso(endsAt))
        .put("endsInMs", endsInMs)
        .encode();
  }

  static String ended(String reason) {
    return new JsonObject().put("type", "ended").put("reason", reason).encode();
  }

  static String lock(boolean locked) {
    return new JsonObject().put("type", "lock").put("locked", locked).encode();
  }

  static String reconnect(String reason) {
    return new JsonObject().put("type", "reconnect").put("reason", reason).encode();
  }

  static String error(String code, String message, String ref, long retryAfterMs) {
    JsonObject error =
        new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (ref != null) {
      error.put("ref", ref);
    }
    if (retryAfterMs > 0) {
      error.put("retryAfterMs", retryAfterMs);
    }
    return error.encode();
  }

  static String pong(String ref) {
    JsonObject pong = new JsonObject().put("type", "pong");
    if (ref != null) {
      pong.put("ref", ref);
    }
    return pong.encode();
  }

  private static JsonObject counts(int controllers, int displays) {
    return new JsonObject().put("controller", controllers).put("display", displays);
  }
}
