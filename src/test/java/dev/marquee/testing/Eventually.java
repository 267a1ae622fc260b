package dev.marquee.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition seen from outside (an HTTP status, a row in a table) that offers no event
 * to wait on: checked every 10 ms until it holds or {@code timeout} passes.
 */
public final class Eventually {
  private Eventually() {}

  public static void until(Duration timeout, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(10_000_000);
    }
  }
}
