package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * {@code fanout}: S sessions, each one controller sending R messages/s to D displays, measured for
 * T seconds after a warm-up. Deliveries, latency and server CPU are taken over the measured window;
 * then sending stops and every acknowledged message must reach every member, once, in order.
 */
final class Fanout implements Scenario {
  final int sessions;
  final int displays;
  final int rate;
  final int seconds;
  final int warmup;
  final int messageBytes;
  final int drainSeconds;

  private Fanout(Options o) {
    sessions = o.integer("sessions", 1, Options.MAX_SOCKETS);
    displays = o.integer("displays", 0, Options.MAX_SOCKETS);
    rate = o.integer("rate", 1, 100_000);
    seconds = o.integer("seconds", 1, Options.MAX_SECONDS_CEILING);
    warmup = o.integer("warmup", 0, 600);
    messageBytes = o.integer("message-bytes", 20, 2000);
    drainSeconds = o.integer("drain-seconds", 1, 120);
    Plans.sendRate(o, (long) sessions * rate);
    Plans.duration(o, warmup + seconds + drainSeconds + 10);
  }

  static Fanout plan(Options o) {
    return new Fanout(o);
  }

  @Override
  public int sockets() {
    return sessions * (displays + 1);
  }

  @Override
  public Report run(Rig rig) {
    Report r = new Report("fanout", rig);
    Tally t = new Tally();
    Fleet f = Fleet.open(rig, t, sessions, s -> displays, true, true, 200, messageBytes);
    r.json
        .put("sessions", sessions)
        .put("displaysPerSession", displays)
        .put("ratePerController", rate)
        .put("seconds", seconds)
        .put("warmupSeconds", warmup)
        .put("messageBytes", messageBytes)
        .put("sockets", f.sockets())
        .put("plannedSendsPerSecond", (long) sessions * rate)
        .put("plannedDeliveriesPerSecond", (long) sessions * rate * displays);
    Plans.requireJoined(r, f);

    f.pace(rate, Long.MAX_VALUE);
    Rig.sleepMillis(warmup * 1000L);
    Window w = Window.start(rig, t);
    Rig.sleepMillis(seconds * 1000L);
    w.stop();
    boolean drained = f.drain(drainSeconds);
    Histogram h = t.latency.getIntervalHistogram();
    Checks c = f.checks();
    f.close();

    JsonObject latency = Report.latency(h);
    JsonObject server = w.server.json("cpuUsPerDelivery", w.delivered);
    r.json
        .put("measuredSeconds", Report.round(w.seconds, 3))
        .put("delivered", w.delivered)
        .put("deliveriesPerSecond", Report.round(w.delivered / w.seconds, 1))
        .put("latency", latency)
        .put("checks", c.json())
        .put("drained", drained)
        .put("errors", t.errorsJson())
        .put("unexpectedCloses", t.unexpectedClosesJson())
        .put("server", server);
    Plans.requireClean(r, t, c, drained, true);
    r.line(
        "%d sessions x (1 controller + %d displays), %d msg/s each, %d s measured",
        sessions, displays, rate, seconds);
    r.line(
        "delivered %d in window: %.1f deliveries/s (planned %d)",
        w.delivered, w.delivered / w.seconds, (long) sessions * rate * displays);
    r.line("latency %s", Report.latencyLine(latency));
    r.line("%s", Report.checksLine(c));
    r.line("%s", Report.serverLine(server, "cpuUsPerDelivery", "delivery"));
    return r;
  }
}
