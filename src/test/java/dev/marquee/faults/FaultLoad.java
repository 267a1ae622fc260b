package dev.marquee.faults;

/**
 * The shape and length of the fault suite's load. CI runs it short; {@code bench/faults.sh} runs
 * the documented long form through the same environment variables.
 */
final class FaultLoad {
  /** Sessions, each with one controller and {@link #DISPLAYS} displays. */
  static final int SESSIONS = intEnv("FAULTS_SESSIONS", 4);

  static final int DISPLAYS = intEnv("FAULTS_DISPLAYS", 2);

  /** Each controller sends one message this often (20 a second by default). */
  static final long PERIOD_MS = intEnv("FAULTS_PERIOD_MS", 50);

  private FaultLoad() {}

  /** Steady load before the fault. */
  static long before() {
    return intEnv("FAULTS_BEFORE_MS", 4_000);
  }

  /** Load while the fault lasts (or after it, for a kill). */
  static long during() {
    return intEnv("FAULTS_DURING_MS", 8_000);
  }

  static int intEnv(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
  }
}
