package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * What {@link Fanout}, {@link Churn} and {@link History} share: S sessions with D displays each,
 * all joined before anything is measured; a warm-up, then one measured window; after it the drain
 * and the delivery results (latency, checks, errors, server CPU) all three report alike. Each
 * scenario puts its own load, figures and lines between these steps.
 */
final class LiveRun {
  private static final String PER_DELIVERY = "cpuUsPerDelivery";

  /** The options the three read alike; only the most sessions differs. */
  record Plan(int sessions, int displays, int seconds, int warmup, int drainSeconds) {
    static Plan read(Options o, int maxSessions) {
      return new Plan(
          o.integer("sessions", 1, maxSessions),
          o.integer("displays", 0, Options.MAX_SOCKETS),
          o.integer("seconds", 1, Options.MAX_SECONDS_CEILING),
          o.integer("warmup", 0, 600),
          o.integer("drain-seconds", 1, 120));
    }

    /** Seconds of warm-up, measuring and drain, before any set-up. */
    int timedSeconds() {
      return warmup + seconds + drainSeconds;
    }
  }

  /** The deliveries after the window, and the server's CPU per the scenario's unit of work. */
  record Outcome(
      boolean drained,
      Checks checks,
      JsonObject latency,
      JsonObject server,
      String perKey,
      String unit) {}

  final Rig rig;
  final Plan plan;
  final Report report;
  final Tally tally = new Tally();
  final Fleet fleet;
  private Window window;

  private LiveRun(Rig rig, String scenario, Plan plan, boolean controllers, int messageBytes) {
    this.rig = rig;
    this.plan = plan;
    this.report = new Report(scenario, rig);
    this.fleet =
        Fleet.open(
            rig,
            tally,
            plan.sessions,
            s -> plan.displays,
            controllers,
            controllers,
            200,
            messageBytes);
  }

  /**
   * Creates the sessions and joins their displays (and a checked controller each when {@code
   * controllers}); reports the sessions, displays and what {@code planned} adds, then fails the run
   * unless every socket joined.
   */
  static LiveRun open(
      Rig rig,
      String scenario,
      Plan plan,
      boolean controllers,
      int messageBytes,
      Consumer<LiveRun> planned) {
    LiveRun run = new LiveRun(rig, scenario, plan, controllers, messageBytes);
    run.report.json.put("sessions", plan.sessions).put("displaysPerSession", plan.displays);
    planned.accept(run);
    Plans.requireJoined(run.report, run.fleet);
    return run;
  }

  /**
   * Waits out the warm-up, runs {@code atWarmupEnd} (where a scenario zeroes its own counters),
   * then measures one window of --seconds.
   */
  Window measure(Runnable atWarmupEnd) {
    Rig.sleepMillis(plan.warmup * 1000L);
    atWarmupEnd.run();
    window = Window.start(rig, tally);
    Rig.sleepMillis(plan.seconds * 1000L);
    window.stop();
    return window;
  }

  /**
   * After {@link #measure}: waits up to --drain-seconds for every acknowledged message, checks the
   * deliveries and closes the fleet. Server CPU is given per {@code unit} under {@code perKey}
   * ({@code work} of them in the window), and per delivery as well.
   */
  Outcome drain(String perKey, String unit, long work) {
    boolean drained = fleet.drain(plan.drainSeconds);
    Histogram h = tally.latency.getIntervalHistogram();
    Checks c = fleet.checks();
    fleet.close();
    JsonObject server = window.server.json(perKey, work);
    if (!perKey.equals(PER_DELIVERY) && rig.probe.enabled()) {
      server.put(
          PER_DELIVERY,
          window.delivered > 0
              ? Report.round(window.server.cpuSpent() * 1e6 / window.delivered, 2)
              : null);
    }
    return new Outcome(drained, c, Report.latency(h), server, perKey, unit);
  }

  /**
   * Reports the deliveries after the figures the scenario reported, fails the run unless they are
   * clean (no error frame at all), and adds their summary lines, the latency one after {@code
   * latencyLabel}.
   */
  void report(Outcome o, String latencyLabel) {
    report
        .json
        .put("delivered", window.delivered)
        .put("deliveriesPerSecond", Report.round(window.delivered / window.seconds, 1))
        .put("latency", o.latency)
        .put("checks", o.checks.json())
        .put("drained", o.drained)
        .put("errors", tally.errorsJson())
        .put("unexpectedCloses", tally.unexpectedClosesJson())
        .put("server", o.server);
    Plans.requireClean(report, tally, o.checks, o.drained, true);
    report.line("%s %s", latencyLabel, Report.latencyLine(o.latency));
    report.line("%s", Report.checksLine(o.checks));
    report.line("%s", Report.serverLine(o.server, o.perKey, o.unit));
  }
}
