package dev.marquee.loadgen;

/** Checks shared by the scenarios: caps at planning time, and what makes a finished run clean. */
final class Plans {
  private Plans() {}

  /** Refuses a plan that would send more than --max-send-rate messages/s in total. */
  static void sendRate(Options o, long perSecond) {
    int cap = o.integer("max-send-rate", 1, Options.SEND_RATE_CEILING);
    if (perSecond > cap) {
      o.problem(
          "the plan sends "
              + perSecond
              + " messages/s in total, over --max-send-rate "
              + cap
              + " (raise it, at most "
              + Options.SEND_RATE_CEILING
              + ")");
    }
  }

  /** Refuses a plan whose timed phases cannot fit in --max-seconds. */
  static void duration(Options o, long seconds) {
    int max = o.integer("max-seconds", 1, Options.MAX_SECONDS_CEILING);
    if (seconds > max) {
      o.problem(
          "the plan needs about "
              + seconds
              + " s (warm-up, measuring, drain, setup), over --max-seconds "
              + max);
    }
  }

  /** Every planned socket must have joined; the failures are reported by reason. */
  static void requireJoined(Report r, Fleet f) {
    if (f.joinFailureCount() > 0) {
      r.json.put(
          "joinFailures",
          new io.vertx.core.json.JsonObject(
              new java.util.TreeMap<String, Object>(f.joinFailures())));
      throw new RunFailure(
          f.joinFailureCount()
              + " sockets failed to join, e.g. "
              + f.joinFailures().keySet().iterator().next()
              + " (are the server's connection rate limits raised? see docs/loadgen.md)");
    }
  }

  /**
   * A clean run: checks pass, everything drained, no socket closed under us and (when {@code
   * noRefusals}) no error frame at all.
   */
  static void requireClean(Report r, Tally t, Checks c, boolean drained, boolean noRefusals) {
    r.require(c, "deliveries");
    if (!drained) {
      r.fail("not every acknowledged message arrived within --drain-seconds");
    }
    if (t.unexpectedCloseCount() > 0) {
      r.fail(
          t.unexpectedCloseCount()
              + " sockets closed by the server: "
              + t.unexpectedClosesJson().encode());
    }
    if (noRefusals && !t.errorsJson().isEmpty()) {
      r.fail(
          "the server answered with errors "
              + t.errorsJson().encode()
              + " (rate limits raised? see docs/loadgen.md)");
    }
  }
}
