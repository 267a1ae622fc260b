package dev.marquee.history;

import dev.marquee.presence.Role;
import dev.marquee.store.RedisCipher;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The stored-message JSON of docs/redis.md (the wire {@code message} frame without {@code type}),
 * shared by the history window, the outbox and the room bus so that a message written by one is
 * read by the others, whether Java or a Lua script ({@code cjson}) wrote it.
 */
public final class StoredMessageJson {
  private StoredMessageJson() {}

  /** The stored form for Redis: text and sender name sealed with {@code cipher}. */
  public static String encodeSealed(StoredMessage m, RedisCipher cipher) {
    return encode(sealed(m, cipher));
  }

  /** Reads the Redis form, opening text and sender name with {@code cipher}. */
  public static StoredMessage decodeOpened(String json, RedisCipher cipher) {
    return opened(decode(json), cipher);
  }

  public static StoredMessage sealed(StoredMessage m, RedisCipher cipher) {
    return cipher.enabled()
        ? new StoredMessage(
            m.session(),
            m.seq(),
            m.ts(),
            m.clientId(),
            cipher.seal(m.name()),
            m.role(),
            cipher.seal(m.text()))
        : m;
  }

  public static StoredMessage opened(StoredMessage m, RedisCipher cipher) {
    return cipher.enabled()
        ? new StoredMessage(
            m.session(),
            m.seq(),
            m.ts(),
            m.clientId(),
            cipher.open(m.name()),
            m.role(),
            cipher.open(m.text()))
        : m;
  }

  public static String encode(StoredMessage m) {
    return toJson(m).encode();
  }

  /** The same fields as an object, for embedding in a larger document (a room event). */
  public static JsonObject toJson(StoredMessage m) {
    return new JsonObject()
        .put("session", m.session())
        .put("seq", m.seq())
        .put("ts", m.ts())
        .put(
            "from",
            new JsonObject()
                .put("clientId", m.clientId())
                .put("name", m.name())
                .put("role", m.role().wire()))
        .put("text", m.text());
  }

  /**
   * Reads any field order and numbers written as integers or doubles (cjson writes {@code %.14g}).
   *
   * @throws IllegalArgumentException when the text is not a stored message
   */
  public static StoredMessage decode(String json) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("stored message is not a JSON object", e);
    }
    return fromJson(o);
  }

  /**
   * @throws IllegalArgumentException when a field is missing or of the wrong type
   */
  public static StoredMessage fromJson(JsonObject o) {
    if (!(o.getValue("from") instanceof JsonObject from)) {
      throw new IllegalArgumentException("stored message without from");
    }
    String role = text(from, "role");
    return new StoredMessage(
        text(o, "session"),
        number(o, "seq"),
        number(o, "ts"),
        text(from, "clientId"),
        text(from, "name"),
        Role.fromWire(role)
            .orElseThrow(() -> new IllegalArgumentException("stored message role " + role)),
        text(o, "text"));
  }

  private static String text(JsonObject o, String field) {
    if (o.getValue(field) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("stored message without text field " + field);
  }

  private static long number(JsonObject o, String field) {
    if (o.getValue(field) instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("stored message without number field " + field);
  }
}
