package dev.marquee.messaging;

import dev.marquee.api.Text;
import dev.marquee.presence.Role;
import dev.marquee.session.ClientId;
import dev.marquee.session.SessionCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a text frame into a {@link ClientFrame}. Never throws: anything wrong becomes {@link
 * ClientFrame.Invalid} with a message that says what to fix.
 */
final class FrameDecoder {
  static final int MAX_TEXT = 2000;
  static final int MAX_NAME = 64;
  static final int MAX_REF = 64;
  private static final String UNPAIRED = "unpaired surrogate (not valid Unicode)";

  /** PostgreSQL text cannot hold U+0000: such a message could be shown but never stored. */
  private static final String NUL = "the character U+0000 is not allowed";

  private FrameDecoder() {}

  /** The text these bytes encode, or null if they are not well-formed UTF-8. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static ClientFrame decode(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return invalid("frame is not a JSON object", null);
    }
    Object rawRef = json.getValue("ref");
    if (rawRef != null && !(rawRef instanceof String)) {
      return invalid("ref must be a string", null);
    }
    String ref = (String) rawRef;
    if (ref != null && ref.length() > MAX_REF) {
      return invalid("ref must be at most " + MAX_REF + " characters", null);
    }
    if (ref != null && !Text.wellFormed(ref)) {
      return invalid(UNPAIRED + " in 'ref'", null);
    }
    Object type = json.getValue("type");
    if (!(type instanceof String)) {
      return invalid("frame needs a string field 'type'", ref);
    }
    switch ((String) type) {
      case "join":
        return join(json, ref);
      case "send":
        return send(json, ref);
      case "ping":
        return new ClientFrame.Ping(ref);
      case "leave":
        return new ClientFrame.Leave();
      default:
        return invalid("unknown frame type '" + abbreviate((String) type) + "'", ref);
    }
  }

  private static ClientFrame join(JsonObject json, String ref) {
    Object rawSession = json.getValue("session");
    if (!(rawSession instanceof String)) {
      return invalid("join needs 'session', the six-character session code", ref);
    }
    Optional<String> session = SessionCode.parse((String) rawSession);
    if (session.isEmpty()) {
      return invalid("'session' is not a session code (six characters)", ref);
    }
    Object rawRole = json.getValue("role");
    Optional<Role> role =
        rawRole instanceof String ? Role.fromWire((String) rawRole) : Optional.empty();
    if (role.isEmpty()) {
      return invalid("'role' must be \"display\" or \"controller\"", ref);
    }
    Object rawName = json.getValue("name");
    if (rawName != null && !(rawName instanceof String)) {
      return invalid("'name' must be a string", ref);
    }
    String name = rawName == null ? "" : ((String) rawName).strip();
    if (!Text.wellFormed(name)) {
      return invalid(UNPAIRED + " in 'name'", ref);
    }
    if (name.indexOf('\0') >= 0) {
      return invalid(NUL + " in 'name'", ref);
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      return invalid("'name' must be at most " + MAX_NAME + " characters", ref);
    }
    if (name.isEmpty()) {
      name = role.get() == Role.DISPLAY ? "Display" : "Guest";
    }
    Object rawClientId = json.getValue("clientId");
    if (rawClientId != null && !ClientId.valid(rawClientId)) {
      return invalid("'clientId' must be " + ClientId.RULE, ref);
    }
    Object rawLastSeq = json.getValue("lastSeq");
    long lastSeq = -1;
    if (rawLastSeq != null) {
      if (!(rawLastSeq instanceof Integer || rawLastSeq instanceof Long)
          || ((Number) rawLastSeq).longValue() < 0) {
        return invalid("'lastSeq' must be a whole number >= 0", ref);
      }
      lastSeq = ((Number) rawLastSeq).longValue();
    }
    Object rawEpoch = json.getValue("epoch");
    if (rawEpoch != null
        && !(rawEpoch instanceof String
            && ((String) rawEpoch).length() <= 64
            && Text.wellFormed((String) rawEpoch))) {
      return invalid("'epoch' must be a string", ref);
    }
    return new ClientFrame.Join(
        session.get(), role.get(), name, (String) rawClientId, lastSeq, (String) rawEpoch);
  }

  private static ClientFrame send(JsonObject json, String ref) {
    Object rawText = json.getValue("text");
    if (!(rawText instanceof String)) {
      return refused("send needs 'text', a string of 1-" + MAX_TEXT + " characters", ref);
    }
    String text = (String) rawText;
    int length = text.codePointCount(0, text.length());
    if (length > MAX_TEXT) {
      return new ClientFrame.Invalid(
          "too_large", "text is " + length + " characters; the limit is " + MAX_TEXT, ref, true);
    }
    if (text.isBlank()) {
      return refused("text must not be empty", ref);
    }
    if (!Text.wellFormed(text)) {
      return refused(UNPAIRED + " in 'text'", ref);
    }
    if (text.indexOf('\0') >= 0) {
      return refused(NUL + " in 'text'", ref);
    }
    return new ClientFrame.Send(text, ref);
  }

  private static ClientFrame.Invalid refused(String message, String ref) {
    return new ClientFrame.Invalid("bad_request", message, ref, true);
  }

  private static ClientFrame.Invalid invalid(String message, String ref) {
    return new ClientFrame.Invalid("bad_request", message, ref);
  }

  /** The start of a client's string for an error message, never cutting a character in two. */
  private static String abbreviate(String s) {
    if (!Text.wellFormed(s)) {
      return "(not valid Unicode)";
    }
    return s.codePointCount(0, s.length()) <= 32
        ? s
        : s.substring(0, s.offsetByCodePoints(0, 32)) + "...";
  }
}
