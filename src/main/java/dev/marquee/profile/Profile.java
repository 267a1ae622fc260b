package dev.marquee.profile;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * A signed-in user as Marquee keeps them: the token's {@code sub} and a name to show. Nothing else
 * from the token is stored (docs/auth.md, "What a profile holds").
 */
public record Profile(UUID id, String displayName) {
  /** Longest display name kept, in code points; longer ones are cut. */
  public static final int MAX_NAME = 100;

  /**
   * The profile a verified token describes; empty when {@code sub} is not a UUID. The display name
   * is the first non-blank of {@code user_metadata.full_name}, {@code user_metadata.name}, {@code
   * name} and the local part of {@code email} (Supabase puts what the sign-in provider knows in
   * {@code user_metadata}); failing all of them, {@code user-} and the id's first eight digits.
   */
  static Optional<Profile> fromClaims(JsonObject claims) {
    UUID id;
    try {
      Object sub = claims.getValue("sub");
      if (!(sub instanceof String s) || s.length() != 36) {
        return Optional.empty();
      }
      id = UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Object metadata = claims.getValue("user_metadata");
    JsonObject meta = metadata instanceof JsonObject m ? m : new JsonObject();
    String name =
        firstName(meta.getValue("full_name"), meta.getValue("name"), claims.getValue("name"));
    if (name == null) {
      Object email = claims.getValue("email");
      if (email instanceof String e && e.indexOf('@') > 0) {
        name = clean(e.substring(0, e.indexOf('@')));
      }
    }
    if (name == null) {
      name = "user-" + id.toString().substring(0, 8);
    }
    return Optional.of(new Profile(id, name));
  }

  private static String firstName(Object... candidates) {
    for (Object candidate : candidates) {
      if (candidate instanceof String s) {
        String name = clean(s);
        if (name != null) {
          return name;
        }
      }
    }
    return null;
  }

  /** Control characters become spaces, runs of space one, and the result is cut to MAX_NAME. */
  private static String clean(String raw) {
    StringBuilder out = new StringBuilder();
    raw.codePoints()
        .map(c -> Character.isISOControl(c) || Character.isWhitespace(c) ? ' ' : c)
        .forEach(out::appendCodePoint);
    String name = out.toString().strip().replaceAll(" {2,}", " ");
    if (name.isEmpty()) {
      return null;
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME)).strip();
    }
    return name;
  }
}
