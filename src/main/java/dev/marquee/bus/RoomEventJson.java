package dev.marquee.bus;

import dev.marquee.history.StoredMessage;
import dev.marquee.history.StoredMessageJson;
import dev.marquee.store.RedisCipher;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The room-event JSON of docs/redis.md, the payload on {@code P:room:{CODE}}. Other writers (the
 * accept-message Lua script) publish it too, so decoding checks every field instead of trusting the
 * writer. The channel names the session; only a message, whose stored form carries it, repeats it.
 */
public final class RoomEventJson {
  private RoomEventJson() {}

  /** The payload for {@code event}, stamped with its publication time in epoch ms. */
  public static String encode(RoomEvent event, long atMillis) {
    return encode(event, atMillis, RedisCipher.none());
  }

  /** As {@link #encode(RoomEvent, long)}, with message text and names sealed by {@code cipher}. */
  public static String encode(RoomEvent event, long atMillis, RedisCipher cipher) {
    JsonObject json;
    if (event instanceof RoomEvent.Message m) {
      json =
          new JsonObject()
              .put("kind", "message")
              .put(
                  "message",
                  StoredMessageJson.toJson(StoredMessageJson.sealed(m.message(), cipher)));
    } else if (event instanceof RoomEvent.Presence p) {
      json =
          new JsonObject()
              .put("kind", "presence")
              .put("event", p.event())
              .put("clientId", p.clientId())
              .put("name", cipher.seal(p.name()))
              .put("role", p.role())
              .put("controllers", p.controllers())
              .put("displays", p.displays());
      if (p.reason() != null) {
        json.put("reason", p.reason());
      }
    } else if (event instanceof RoomEvent.Warning w) {
      json =
          new JsonObject()
              .put("kind", "warning")
              .put("endsAt", w.endsAt().toEpochMilli())
              .put("endsInMs", w.endsInMs());
    } else if (event instanceof RoomEvent.Locked l) {
      json = new JsonObject().put("kind", "lock").put("locked", l.locked());
    } else if (event instanceof RoomEvent.Kicked k) {
      json = new JsonObject().put("kind", "kick").put("clientId", k.clientId());
    } else {
      json =
          new JsonObject().put("kind", "ended").put("reason", ((RoomEvent.Ended) event).reason());
    }
    return json.put("at", atMillis).encode();
  }

  /**
   * Reads a payload heard on {@code session}'s channel at {@code nowMillis} (wall clock) and {@code
   * nowNanos} ({@link System#nanoTime()}). A message's {@code publishedNanos} is rebuilt from its
   * {@code at}, so the delivery-latency metric spans instances; a publisher whose clock runs ahead
   * reads as zero latency rather than negative.
   *
   * @throws IllegalArgumentException when the payload is not a room event of that session; its
   *     message never quotes the payload, which may hold message text
   */
  public static RoomEvent decode(String session, String payload, long nowMillis, long nowNanos) {
    return decode(session, payload, nowMillis, nowNanos, RedisCipher.none());
  }

  /** As the other decode, opening message text and names with {@code cipher}. */
  public static RoomEvent decode(
      String session, String payload, long nowMillis, long nowNanos, RedisCipher cipher) {
    JsonObject json;
    try {
      json = new JsonObject(payload);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    try {
      return decode(session, json, nowMillis, nowNanos, cipher);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a field has the wrong type");
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("sealed text does not open: " + e.getMessage());
    }
  }

  private static RoomEvent decode(
      String session, JsonObject json, long nowMillis, long nowNanos, RedisCipher cipher) {
    String kind = text(json, "kind");
    long at = number(json, "at");
    switch (kind) {
      case "message" -> {
        JsonObject m = json.getJsonObject("message");
        if (m == null) {
          throw new IllegalArgumentException("missing field 'message'");
        }
        StoredMessage message = StoredMessageJson.opened(StoredMessageJson.fromJson(m), cipher);
        if (!message.session().equals(session)) {
          throw new IllegalArgumentException("a message of another session");
        }
        long ageNanos = Math.max(0, nowMillis - at) * 1_000_000;
        return new RoomEvent.Message(message, nowNanos - ageNanos);
      }
      case "presence" -> {
        return new RoomEvent.Presence(
            session,
            text(json, "event"),
            text(json, "clientId"),
            cipher.open(text(json, "name")),
            text(json, "role"),
            (int) number(json, "controllers"),
            (int) number(json, "displays"),
            json.getString("reason"));
      }
      case "warning" -> {
        return new RoomEvent.Warning(
            session, Instant.ofEpochMilli(number(json, "endsAt")), number(json, "endsInMs"));
      }
      case "ended" -> {
        return new RoomEvent.Ended(session, text(json, "reason"));
      }
      case "lock" -> {
        Boolean locked = json.getBoolean("locked");
        if (locked == null) {
          throw new IllegalArgumentException("missing field 'locked'");
        }
        return new RoomEvent.Locked(session, locked);
      }
      case "kick" -> {
        return new RoomEvent.Kicked(session, text(json, "clientId"));
      }
      default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
    }
  }

  private static String text(JsonObject json, String field) {
    String value = json.getString(field);
    if (value == null) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }

  private static long number(JsonObject json, String field) {
    Number value = json.getNumber(field);
    if (value == null) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value.longValue();
  }
}
