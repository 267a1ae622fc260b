package dev.marquee.messaging;

/**
 * Every close code the server uses. The range tells a client what to do: 4000-4499 reconnect,
 * 4500-4999 do not.
 */
public final class CloseCodes {
  public static final short NORMAL = 1000;
  public static final short INVALID_DATA = 1007;
  public static final short POLICY = 1008;
  public static final short TOO_LARGE = 1009;
  public static final short SERVER_ERROR = 1011;
  public static final short TRY_AGAIN_LATER = 1013;
  public static final short SHUTDOWN = 4000;
  public static final short SLOW_CONSUMER = 4001;

  /** Redis forgot the engine state; rejoin with {@code lastSeq} and refetch what is missing. */
  public static final short RESYNC = 4002;

  public static final short SESSION_ENDED = 4500;
  public static final short SESSION_NOT_FOUND = 4501;
  public static final short KICKED = 4502;

  private CloseCodes() {}

  public static boolean shouldReconnect(int code) {
    return code >= 4000 && code < 4500;
  }
}
