package dev.marquee.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Redis session hash {@code P:session:{CODE}} (docs/redis.md, "Session hash"), so that scripts
 * of other features that touch the same hash (message intake bumps {@link #LAST_SEQ} and stamps
 * {@link #LAST_ACTIVITY_AT}) name its fields from one place. Times are epoch milliseconds as
 * decimal strings; {@link #WARNED_FOR} is empty when no warning was sent. The code is the key, and
 * an ended session has no hash, so neither is a field.
 */
public final class SessionHash {
  public static final String TITLE = "title";
  public static final String CREATED_AT = "createdAt";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String LAST_ACTIVITY_AT = "lastActivityAt";
  public static final String LAST_SEQ = "lastSeq";
  public static final String EPOCH = "epoch";
  public static final String WARNED_FOR = "warnedFor";

  /**
   * How long the hash outlives the session's lifetime: long enough for a sweep to end it and
   * announce that, short enough that a session nobody ends still goes away.
   */
  public static final Duration GRACE = Duration.ofHours(1);

  private SessionHash() {}

  /** Field, value, field, value, ... as HSET takes them. */
  public static List<String> encode(SessionState s) {
    return List.of(
        TITLE,
        s.title() == null ? "" : s.title(),
        CREATED_AT,
        millis(s.createdAt()),
        EXPIRES_AT,
        millis(s.expiresAt()),
        LAST_ACTIVITY_AT,
        millis(s.lastActivityAt()),
        LAST_SEQ,
        Long.toString(s.lastSeq()),
        EPOCH,
        s.epoch(),
        WARNED_FOR,
        s.warnedFor() == null ? "" : millis(s.warnedFor()));
  }

  /** The live session held by a hash's fields. */
  public static SessionState decode(String code, Map<String, String> fields) {
    String warned = fields.getOrDefault(WARNED_FOR, "");
    return new SessionState(
        code,
        fields.getOrDefault(TITLE, ""),
        instant(fields.get(CREATED_AT)),
        instant(fields.get(EXPIRES_AT)),
        instant(fields.get(LAST_ACTIVITY_AT)),
        Long.parseLong(fields.get(LAST_SEQ)),
        fields.get(EPOCH),
        null,
        null,
        warned.isEmpty() ? null : instant(warned));
  }

  static String millis(Instant at) {
    return Long.toString(at.toEpochMilli());
  }

  private static Instant instant(String millis) {
    return Instant.ofEpochMilli(Long.parseLong(millis));
  }
}
