package dev.marquee.api;

/**
 * An expected failure of an HTTP request, answered as {@code {"error":{"code","message"}}} with
 * {@link #status()}; carries no stack trace because nothing went wrong in the server.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  public ApiException(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "session_not_found", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Seconds for the {@code Retry-After} header; 0 when none applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
