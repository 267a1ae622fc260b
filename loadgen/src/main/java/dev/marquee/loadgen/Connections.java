package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;

/**
 * {@code connections}: opens C sockets that join as displays (N per session, --concurrency joins in
 * flight) and holds them for T seconds. Reports the join rate, server CPU per join (over the join
 * phase), server RSS per connection (after --settle-seconds, against the RSS before the first join)
 * and server CPU while idle; at the end one message per session must reach every socket. With
 * {@code --live-heap}, also the server's live heap per connection (after a full GC, before the
 * joins and while held): what a socket keeps, apart from how far the collector let the heap grow.
 */
final class Connections implements Scenario {
  private final int connections;
  private final int perSession;
  private final int concurrency;
  private final int seconds;
  private final int settle;
  private final int sessions;
  private final int warmupJoins;
  private final boolean liveHeap;

  private Connections(Options o) {
    connections = o.integer("connections", 1, Options.MAX_SOCKETS);
    perSession = o.integer("per-session", 1, Options.MAX_SOCKETS);
    concurrency = o.integer("concurrency", 1, 5_000);
    seconds = o.integer("seconds", 1, Options.MAX_SECONDS_CEILING);
    int settleAsked = o.integer("settle-seconds", 0, 600);
    // The default settle never makes a short hold invalid; an explicit one must fit in it.
    settle = o.flag("settle-seconds") ? settleAsked : Math.min(settleAsked, seconds);
    sessions = (connections + perSession - 1) / Math.max(1, perSession);
    warmupJoins = o.integer("warmup-joins", 0, Options.MAX_SOCKETS);
    liveHeap = o.flag("live-heap");
    if (settle > seconds) {
      o.problem("--settle-seconds must not exceed --seconds (the hold includes it)");
    }
    // Joins at well under 500/s on a busy machine, plus the hold and the final check.
    Plans.duration(o, (connections + warmupJoins) / 500 + seconds + 15);
  }

  static Connections plan(Options o) {
    return new Connections(o);
  }

  @Override
  public int sockets() {
    return Math.max(connections + sessions, warmupJoins);
  }

  @Override
  public Report run(Rig rig) {
    Report r = new Report("connections", rig);
    long rssIdle = rig.probe.rssKib();
    if (warmupJoins > 0) {
      Fleet warm =
          Fleet.open(
              rig,
              new Tally(),
              (warmupJoins + perSession - 1) / perSession,
              s -> Math.min(perSession, warmupJoins - s * perSession),
              false,
              false,
              concurrency,
              32);
      warm.close();
      if (warm.joinFailureCount() > 0) {
        throw new RunFailure("warm-up joins failed: " + warm.joinFailures());
      }
    }
    Tally t = new Tally();
    Fleet f = Fleet.create(rig, t, sessions, Math.min(concurrency, 64), 32);
    r.json
        .put("connections", connections)
        .put("perSession", perSession)
        .put("sessions", sessions)
        .put("concurrency", concurrency)
        .put("holdSeconds", seconds)
        .put("warmupJoins", warmupJoins);
    Rig.sleepMillis(500);
    long rssBefore = rig.probe.rssKib();
    if (liveHeap && !rig.probe.enabled()) {
      throw new RunFailure("--live-heap needs --server-pid");
    }
    long liveBefore = liveHeap ? rig.probe.liveHeapBytes() : -1;
    ServerProbe.Window joinCpu = rig.probe.window();
    long t0 = System.nanoTime();
    f.joinDisplays(s -> Math.min(perSession, connections - s * perSession), concurrency);
    double joinSeconds = (System.nanoTime() - t0) / 1e9;
    joinCpu.stop();
    org.HdrHistogram.Histogram joins = t.joinLatency.getIntervalHistogram();
    long joined = joins.getTotalCount();
    JsonObject joinLatency = Report.latency(joins);
    JsonObject connectLatency = Report.latency(t.connectLatency.getIntervalHistogram());

    long holdStart = System.nanoTime();
    Rig.sleepMillis(settle * 1000L);
    long rssAfter = rig.probe.rssKib();
    long liveHeld = liveHeap ? rig.probe.liveHeapBytes() : -1;
    ServerProbe.Window idleCpu = rig.probe.window();
    Rig.sleepMillis(Math.max(0, seconds * 1000L - (System.nanoTime() - holdStart) / 1_000_000));
    idleCpu.stop();
    double holdSeconds = (System.nanoTime() - holdStart) / 1e9;

    // Everyone still there and listening: one message per session must reach every display.
    f.addControllers(Math.min(concurrency, 64), false);
    Window w = Window.start(rig, t);
    f.pace(1_000, 1);
    boolean drained = f.awaitSent(1, 10) && f.drain(10);
    w.stop();
    Checks c = f.checks();
    f.close();

    r.json
        .put("joined", joined)
        .put(
            "joinFailures", new JsonObject(new java.util.TreeMap<String, Object>(f.joinFailures())))
        .put("joinSeconds", Report.round(joinSeconds, 3))
        .put("joinsPerSecond", Report.round(joined / joinSeconds, 1))
        .put("connectLatency", connectLatency)
        .put("joinLatency", joinLatency)
        .put("heldSeconds", Report.round(holdSeconds, 2))
        .put("finalCheckDelivered", w.delivered)
        .put("checks", c.json())
        .put("drained", drained)
        .put("errors", t.errorsJson())
        .put("unexpectedCloses", t.unexpectedClosesJson());
    JsonObject server = joinCpu.json("cpuUsPerJoin", joined);
    if (rig.probe.enabled()) {
      server
          .put("rssMiBBeforeJoins", Report.round(rssBefore / 1024.0, 1))
          .put("rssMiBHeld", Report.round(rssAfter / 1024.0, 1))
          .put(
              "rssKiBPerConnection",
              joined > 0 ? Report.round((double) (rssAfter - rssBefore) / joined, 2) : null)
          .put("rssMiBIdle", Report.round(rssIdle / 1024.0, 1))
          .put(
              "rssKiBPerConnectionFromIdle",
              joined > 0 ? Report.round((double) (rssAfter - rssIdle) / joined, 2) : null)
          .put(
              "liveHeapKiBPerConnection",
              liveHeap && joined > 0
                  ? Report.round((liveHeld - liveBefore) / 1024.0 / joined, 2)
                  : null)
          .put(
              "idleCpuPercent",
              Report.round(idleCpu.cpuSpent() * 100 / Math.max(0.001, holdSeconds - settle), 2))
          .put(
              "cpuUsPerDelivery",
              w.delivered > 0 ? Report.round(w.server.cpuSpent() * 1e6 / w.delivered, 2) : null);
    }
    r.json.put("server", server);
    if (f.joinFailureCount() > 0) {
      r.fail(f.joinFailureCount() + " sockets failed to join: " + f.joinFailures());
    }
    if (w.delivered != joined) {
      r.fail("the final message reached " + w.delivered + " of " + joined + " held sockets");
    }
    Plans.requireClean(r, t, c, drained, true);
    r.line(
        "%d of %d sockets joined in %.2f s: %.0f joins/s (%d in flight); join %s",
        joined,
        connections,
        joinSeconds,
        joined / joinSeconds,
        concurrency,
        Report.latencyLine(joinLatency));
    r.line("of which WebSocket upgrade %s", Report.latencyLine(connectLatency));
    r.line("held %.1f s; final message reached %d sockets", holdSeconds, w.delivered);
    if (rig.probe.enabled()) {
      r.line(
          "server: %s us CPU per join (%s%% in the kernel); RSS per connection %s KiB (%s -> %s MiB), %s KiB from"
              + " idle (%s MiB); %s%% CPU while held",
          server.getValue("cpuUsPerJoin"),
          Math.round(server.getDouble("kernelShare", 0.0) * 100),
          server.getValue("rssKiBPerConnection"),
          server.getValue("rssMiBBeforeJoins"),
          server.getValue("rssMiBHeld"),
          server.getValue("rssKiBPerConnectionFromIdle"),
          server.getValue("rssMiBIdle"),
          server.getValue("idleCpuPercent"));
      if (liveHeap) {
        r.line(
            "live heap per connection %s KiB (%.1f -> %.1f MiB after a full GC)",
            server.getValue("liveHeapKiBPerConnection"),
            liveBefore / 1048576.0,
            liveHeld / 1048576.0);
      }
    } else {
      r.line("server CPU/RSS: not measured (give --server-pid)");
    }
    return r;
  }
}
