package dev.marquee.loadgen;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code history}: S sessions are seeded with --seed-messages messages of searchable words; then,
 * while each session's controller keeps sending R messages/s to D displays, --concurrency HTTP
 * clients request history pages, latest, search and stats in turn for T seconds. Every answer must
 * be 200 with the documented shape; the live deliveries are checked as in {@link Fanout}.
 */
final class History implements Scenario {
  enum Endpoint {
    PAGE,
    LATEST,
    SEARCH,
    STATS;

    final Recorder latency = new Recorder(3);
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder emptyResults = new LongAdder();

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final LiveRun.Plan plan;
  private final int rate;
  private final int seed;
  private final int clients;
  private final int seedRate;
  private volatile boolean stopping;
  private volatile String lastFailure;

  private History(Options o) {
    plan = LiveRun.Plan.read(o, 1_000);
    rate = o.integer("rate", 0, 100_000);
    seed = o.integer("seed-messages", 1, 100_000);
    clients = o.integer("concurrency", 1, 256);
    int cap = o.integer("max-send-rate", 1, Options.SEND_RATE_CEILING);
    seedRate = Math.max(1, Math.min(2_000, cap / Math.max(1, plan.sessions())));
    Plans.sendRate(o, (long) plan.sessions() * rate);
    Plans.duration(o, seed / seedRate + plan.timedSeconds() + 15);
  }

  static History plan(Options o) {
    return new History(o);
  }

  @Override
  public int sockets() {
    return plan.sessions() * (plan.displays() + 1) + clients;
  }

  @Override
  public Report run(Rig rig) {
    int sessions = plan.sessions();
    LiveRun run =
        LiveRun.open(
            rig,
            "history",
            plan,
            true,
            32,
            planned ->
                planned
                    .report
                    .json
                    .put("ratePerController", rate)
                    .put("seedMessagesPerSession", seed)
                    .put("concurrency", clients)
                    .put("seconds", plan.seconds()));
    Report r = run.report;
    Fleet f = run.fleet;

    f.text(Fleet.Text.WORDS);
    f.pace(seedRate, seed);
    long seedStart = System.nanoTime();
    double seedBudget = (double) seed / seedRate + plan.drainSeconds() + 10;
    while (!seeded(rig, f)) {
      if ((System.nanoTime() - seedStart) / 1e9 > seedBudget) {
        throw new RunFailure("seeding " + seed + " messages per session did not finish in time");
      }
      Rig.sleepMillis(50);
    }
    Checks afterSeed = f.checks();
    if (afterSeed.acked() < (long) seed * sessions) {
      throw new RunFailure(
          "seeding: only " + afterSeed.acked() + " of " + (long) seed * sessions + " acked");
    }
    r.json.put("seedSeconds", Report.round((System.nanoTime() - seedStart) / 1e9, 2));

    f.text(Fleet.Text.TIMED);
    if (rate > 0) {
      f.pace(rate, Long.MAX_VALUE);
    }
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int id = c;
      rig.loop(c).runOnContext(v -> request(rig, f, id, id, done));
    }
    Window w =
        run.measure(
            () -> {
              for (Endpoint e : Endpoint.values()) {
                e.latency.reset();
                e.requests.reset();
                e.failures.reset();
                e.emptyResults.reset();
              }
            });
    JsonObject endpoints = new JsonObject();
    long requests = 0;
    long failed = 0;
    for (Endpoint e : Endpoint.values()) {
      Histogram h = e.latency.getIntervalHistogram();
      long n = e.requests.sum();
      requests += n;
      failed += e.failures.sum();
      JsonObject l = Report.latency(h);
      endpoints.put(
          e.wire(),
          new JsonObject()
              .put("requests", n)
              .put("requestsPerSecond", Report.round(n / w.seconds, 1))
              .put("failures", e.failures.sum())
              .put("emptyResults", e.emptyResults.sum())
              .put("latency", l));
      r.line("%-6s %6.1f req/s, %s", e.wire(), n / w.seconds, Report.latencyLine(l));
    }
    stopping = true;
    boolean clientsDone;
    try {
      clientsDone = done.await(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted", e);
    }
    LiveRun.Outcome o = run.drain("cpuUsPerRequest", "request", requests);

    r.json
        .put("endpoints", endpoints)
        .put("requests", requests)
        .put("requestsPerSecond", Report.round(requests / w.seconds, 1))
        .put("requestFailures", failed);
    r.line(
        "%d requests (%.1f/s) by %d clients while %d sessions x %d msg/s went to %d displays each",
        requests, requests / w.seconds, clients, sessions, rate, plan.displays());
    run.report(o, "live delivery latency");
    if (failed > 0) {
      r.fail(failed + " history requests failed, e.g. " + lastFailure);
    }
    if (!clientsDone) {
      r.fail("HTTP clients still busy 15 s after the end");
    }
    if (requests == 0) {
      r.fail("no history request completed");
    }
    return r;
  }

  private boolean seeded(Rig rig, Fleet f) {
    for (io.vertx.core.Context loop : rig.loops()) {
      boolean ok =
          rig.onContext(
              loop,
              () -> {
                for (Session s : f.sessions) {
                  if (s.ctx == loop && (s.sent < seed || !s.settled())) {
                    return false;
                  }
                }
                return true;
              });
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** One request, then the next, on this client's event loop until the run stops. */
  private void request(Rig rig, Fleet f, int client, long n, CountDownLatch done) {
    if (stopping) {
      done.countDown();
      return;
    }
    Endpoint e = Endpoint.values()[(int) (n % Endpoint.values().length)];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Session s = f.sessions.get(random.nextInt(f.sessions.size()));
    String base = "/api/session/" + s.code + "/history";
    String uri =
        switch (e) {
          case PAGE -> base + "?page=" + (1 + random.nextInt(Math.max(1, seed / 20))) + "&limit=20";
          case LATEST -> base + "/latest?limit=20";
          case SEARCH ->
              base
                  + "/search?q="
                  + URLEncoder.encode(
                      Fleet.WORDS[random.nextInt(Fleet.WORDS.length)], StandardCharsets.UTF_8)
                  + "&limit=20";
          case STATS -> base + "/stats";
        };
    long begin = System.nanoTime();
    rig.get(rig.target(client + (int) n), uri)
        .onComplete(
            ar -> {
              e.latency.recordValue(System.nanoTime() - begin);
              e.requests.increment();
              String problem =
                  ar.failed() ? String.valueOf(ar.cause().getMessage()) : validate(e, ar.result());
              if (problem != null) {
                e.failures.increment();
                lastFailure = e.wire() + ": " + problem;
              }
              request(rig, f, client, n + 1, done);
            });
  }

  /** Null when the answer has the documented shape, else what is wrong with it. */
  private String validate(Endpoint e, Rig.HttpAnswer a) {
    if (a.status() != 200) {
      return "status " + a.status();
    }
    JsonObject body;
    try {
      body = new JsonObject(a.body());
    } catch (DecodeException | ClassCastException ex) {
      return "not a JSON object";
    }
    switch (e) {
      case PAGE, SEARCH -> {
        JsonArray messages = body.getJsonArray("messages");
        Long total = body.getLong("total");
        if (messages == null || total == null || !body.containsKey("hasMore")) {
          return "page without messages/total/hasMore";
        }
        if (e == Endpoint.PAGE && total < seed) {
          return "total " + total + " below the " + seed + " seeded";
        }
        if (messages.isEmpty()) {
          e.emptyResults.increment();
        }
      }
      case LATEST -> {
        JsonArray messages = body.getJsonArray("messages");
        if (messages == null || messages.isEmpty()) {
          return "latest without messages";
        }
      }
      case STATS -> {
        Long count = body.getLong("count");
        if (count == null || count < seed) {
          return "stats count " + count + " below the " + seed + " seeded";
        }
      }
    }
    return null;
  }
}
