package dev.marquee.loadgen;

/** The run could not go on (server unreachable, setup timed out): exit code 3. */
final class RunFailure extends RuntimeException {
  RunFailure(String message) {
    super(message);
  }

  RunFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
