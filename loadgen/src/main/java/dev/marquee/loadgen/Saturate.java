package dev.marquee.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * {@code saturate}: the fan-out of {@link Fanout} at rising rates. Each step runs its rate for
 * --step-seconds (after half a second to get going), then drains; a step holds when its p99 is
 * within --p99-limit-ms, nothing it sent was lost or refused, and every send was answered. The run
 * stops at the first step that does not hold, at --max-steps, --max-send-rate or the time cap, and
 * reports the highest delivered messages/s of a step that held.
 */
final class Saturate implements Scenario {
  private final int sessions;
  private final int displays;
  private final int startRate;
  private final int warmup;
  private final int stepSeconds;
  private final double factor;
  private final int maxSteps;
  private final double p99LimitMs;
  private final int messageBytes;
  private final int drainSeconds;
  private final int maxSendRate;

  private Saturate(Options o) {
    sessions = o.integer("sessions", 1, Options.MAX_SOCKETS);
    displays = o.integer("displays", 0, Options.MAX_SOCKETS);
    startRate = o.integer("rate", 1, 100_000);
    warmup = o.integer("warmup", 0, 600);
    stepSeconds = o.integer("step-seconds", 1, 600);
    factor = o.decimal("step-factor", 1.05, 10);
    maxSteps = o.integer("max-steps", 1, 100);
    p99LimitMs = o.decimal("p99-limit-ms", 0.1, 60_000);
    messageBytes = o.integer("message-bytes", 20, 2000);
    drainSeconds = o.integer("drain-seconds", 1, 120);
    maxSendRate = o.integer("max-send-rate", 1, Options.SEND_RATE_CEILING);
    Plans.sendRate(o, (long) sessions * startRate);
    Plans.duration(o, warmup + stepSeconds + drainSeconds + 10);
  }

  static Saturate plan(Options o) {
    return new Saturate(o);
  }

  @Override
  public int sockets() {
    return sessions * (displays + 1);
  }

  @Override
  public Report run(Rig rig) {
    Report r = new Report("saturate", rig);
    Tally t = new Tally();
    Fleet f = Fleet.open(rig, t, sessions, s -> displays, true, true, 200, messageBytes);
    r.json
        .put("sessions", sessions)
        .put("displaysPerSession", displays)
        .put("startRatePerController", startRate)
        .put("stepSeconds", stepSeconds)
        .put("stepFactor", factor)
        .put("p99LimitMs", p99LimitMs)
        .put("messageBytes", messageBytes)
        .put("sockets", f.sockets());
    Plans.requireJoined(r, f);

    if (warmup > 0) {
      f.pace(startRate, Long.MAX_VALUE);
      Rig.sleepMillis(warmup * 1000L);
      f.drain(drainSeconds);
    }
    JsonArray steps = new JsonArray();
    JsonObject best = null;
    String stoppedBy = "max-steps";
    Checks before = f.checks();
    double rate = startRate;
    for (int step = 1; step <= maxSteps; step++) {
      if ((long) Math.ceil(rate) * sessions > maxSendRate) {
        stoppedBy = "max-send-rate";
        break;
      }
      if (rig.secondsLeft() < stepSeconds + drainSeconds + 5) {
        stoppedBy = "max-seconds";
        break;
      }
      long errorsBefore = errorTotal(t);
      f.pace(rate, Long.MAX_VALUE);
      Rig.sleepMillis(500);
      Window w = Window.start(rig, t);
      Rig.sleepMillis(stepSeconds * 1000L);
      w.stop();
      boolean drained = f.drain(drainSeconds);
      Histogram h = t.latency.getIntervalHistogram();
      Checks now = f.checks();
      Checks delta = now.minus(before);
      before = now;
      long errors = errorTotal(t) - errorsBefore;
      double p99 = h.getValueAtPercentile(99) / 1e6;
      boolean held =
          drained
              && delta.clean()
              && errors == 0
              && delta.refused() == 0
              && p99 <= p99LimitMs
              && t.unexpectedCloseCount() == 0;
      JsonObject s =
          new JsonObject()
              .put("step", step)
              .put("ratePerController", Report.round(rate, 1))
              .put("plannedDeliveriesPerSecond", Report.round(rate * sessions * displays, 0))
              .put("deliveriesPerSecond", Report.round(w.delivered / w.seconds, 1))
              .put("latency", Report.latency(h))
              .put("checks", delta.json())
              .put("drained", drained)
              .put("errors", errors)
              .put("held", held)
              .put("server", w.server.json("cpuUsPerDelivery", w.delivered));
      steps.add(s);
      r.line(
          "step %d: %.0f msg/s per controller -> %.0f deliveries/s, p99 %.3f ms, lost %d%s",
          step, rate, w.delivered / w.seconds, p99, delta.lost(), held ? "" : "  <- did not hold");
      if (!held) {
        stoppedBy =
            !delta.clean() || !drained
                ? "loss"
                : errors > 0 || delta.refused() > 0
                    ? "refused"
                    : p99 > p99LimitMs ? "p99" : "closed";
        break;
      }
      best = s;
      rate *= factor;
    }
    Checks total = f.checks();
    f.close();
    r.json
        .put("steps", steps)
        .put("stoppedBy", stoppedBy)
        .put("checks", total.json())
        .put("errors", t.errorsJson())
        .put("unexpectedCloses", t.unexpectedClosesJson());
    if (best != null) {
      r.json
          .put("highestHeldDeliveriesPerSecond", best.getValue("deliveriesPerSecond"))
          .put("highestHeldRatePerController", best.getValue("ratePerController"))
          .put("highestHeldP99Ms", best.getJsonObject("latency").getValue("p99Ms"))
          .put("server", best.getJsonObject("server"));
      r.line(
          "highest that held: %s deliveries/s (%s msg/s per controller, p99 %s ms); stopped by %s",
          best.getValue("deliveriesPerSecond"),
          best.getValue("ratePerController"),
          best.getJsonObject("latency").getValue("p99Ms"),
          stoppedBy);
      r.line("%s", Report.serverLine(best.getJsonObject("server"), "cpuUsPerDelivery", "delivery"));
    } else {
      r.json.putNull("highestHeldDeliveriesPerSecond");
      r.line("no step held; stopped by %s", stoppedBy);
    }
    // Loss and refusals past the breaking point are the measurement; duplicates, reordering and
    // replays are bugs at any rate.
    if (total.duplicates() > 0 || total.outOfOrder() > 0 || total.stale() > 0) {
      r.fail(
          "deliveries duplicated/out of order/stale: "
              + total.duplicates()
              + "/"
              + total.outOfOrder()
              + "/"
              + total.stale());
    }
    return r;
  }

  private static long errorTotal(Tally t) {
    long n = 0;
    for (String k : t.errorsJson().fieldNames()) {
      n += t.errorsJson().getLong(k);
    }
    return n;
  }
}
