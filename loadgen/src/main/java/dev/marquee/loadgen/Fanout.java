package dev.marquee.loadgen;

/**
 * {@code fanout}: S sessions, each one controller sending R messages/s to D displays, measured for
 * T seconds after a warm-up. Deliveries, latency and server CPU are taken over the measured window;
 * then sending stops and every acknowledged message must reach every member, once, in order.
 */
final class Fanout implements Scenario {
  final LiveRun.Plan plan;
  final int rate;
  final int messageBytes;

  private Fanout(Options o) {
    plan = LiveRun.Plan.read(o, Options.MAX_SOCKETS);
    rate = o.integer("rate", 1, 100_000);
    messageBytes = o.integer("message-bytes", 20, 2000);
    Plans.sendRate(o, (long) plan.sessions() * rate);
    Plans.duration(o, plan.timedSeconds() + 10);
  }

  static Fanout plan(Options o) {
    return new Fanout(o);
  }

  @Override
  public int sockets() {
    return plan.sessions() * (plan.displays() + 1);
  }

  @Override
  public Report run(Rig rig) {
    int sessions = plan.sessions();
    int displays = plan.displays();
    LiveRun run =
        LiveRun.open(
            rig,
            "fanout",
            plan,
            true,
            messageBytes,
            planned ->
                planned
                    .report
                    .json
                    .put("ratePerController", rate)
                    .put("seconds", plan.seconds())
                    .put("warmupSeconds", plan.warmup())
                    .put("messageBytes", messageBytes)
                    .put("sockets", planned.fleet.sockets())
                    .put("plannedSendsPerSecond", (long) sessions * rate)
                    .put("plannedDeliveriesPerSecond", (long) sessions * rate * displays));

    run.fleet.pace(rate, Long.MAX_VALUE);
    Window w = run.measure(() -> {});
    LiveRun.Outcome o = run.drain("cpuUsPerDelivery", "delivery", w.delivered);

    Report r = run.report;
    r.json.put("measuredSeconds", Report.round(w.seconds, 3));
    r.line(
        "%d sessions x (1 controller + %d displays), %d msg/s each, %d s measured",
        sessions, displays, rate, plan.seconds());
    r.line(
        "delivered %d in window: %.1f deliveries/s (planned %d)",
        w.delivered, w.delivered / w.seconds, (long) sessions * rate * displays);
    run.report(o, "latency");
    return r;
  }
}
