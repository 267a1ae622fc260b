package dev.marquee.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether this instance should get traffic: every dependency answers within its time-out, heap use
 * is under its share, start-up finished and shutdown not begun. {@link #ready()} is a cached answer
 * refreshed every second, cheap enough to gate every request; {@link #check()} runs the checks now
 * for {@code /health/ready}.
 */
public final class Readiness {
  private static final long REFRESH_MS = 1_000;

  private final Vertx vertx;
  private final HealthChecks checks;
  private final long timeoutMs;
  private final Set<String> advisory = ConcurrentHashMap.newKeySet();
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile boolean lastUp;
  private long timer = -1;

  public Readiness(Vertx vertx, Duration timeout, double heapMaxRatio) {
    this.vertx = vertx;
    this.checks = HealthChecks.create(vertx);
    this.timeoutMs = timeout.toMillis();
    checks.register(
        "lifecycle",
        timeoutMs,
        p -> {
          String state = stopping ? "stopping" : started ? "running" : "starting";
          JsonObject data = new JsonObject().put("state", state);
          p.complete(started && !stopping ? Status.OK(data) : Status.KO(data));
        });
    checks.register(
        "memory",
        timeoutMs,
        p -> {
          MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
          long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
          double used = (double) heap.getUsed() / max;
          JsonObject data =
              new JsonObject()
                  .put("heapUsedBytes", heap.getUsed())
                  .put("heapMaxBytes", max)
                  .put("heapUsedRatio", Math.round(used * 1000) / 1000.0)
                  .put("limitRatio", heapMaxRatio);
          p.complete(used < heapMaxRatio ? Status.OK(data) : Status.KO(data));
        });
  }

  /** Adds a dependency; {@code probe} succeeds with optional details when it is healthy. */
  public Readiness register(String id, Supplier<Future<JsonObject>> probe) {
    checks.register(
        id,
        timeoutMs,
        p ->
            probe
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        p.tryComplete(ar.result() == null ? Status.OK() : Status.OK(ar.result()));
                      } else {
                        p.tryComplete(
                            Status.KO(
                                new JsonObject()
                                    .put("reason", String.valueOf(ar.cause().getMessage()))));
                      }
                    }));
    return this;
  }

  /**
   * Adds a dependency whose failure is reported (its entry says DOWN) but does not make the
   * instance unready: one it can serve without, as the Redis engine serves live traffic while
   * PostgreSQL is away.
   */
  public Readiness registerAdvisory(String id, Supplier<Future<JsonObject>> probe) {
    advisory.add(id);
    return register(id, probe);
  }

  /** Start-up finished: completes once the first round of checks has run. */
  public Future<Void> started() {
    started = true;
    timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
    return refresh();
  }

  /** Shutdown began: not ready from now on, whatever the checks say. */
  public void stopping() {
    stopping = true;
    lastUp = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  public boolean ready() {
    return started && !stopping && lastUp;
  }

  /** Runs every check now: {@code {"status":"UP"|"DOWN","checks":[{"id","status","data"?}]}}. */
  public Future<JsonObject> check() {
    return checks
        .checkStatus()
        .map(
            result -> {
              // What the probe just saw is what the gate uses, so they never disagree.
              lastUp = !stopping && started && up(result);
              return render(result, lastUp || (!stopping && started && up(result)));
            });
  }

  private Future<Void> refresh() {
    return checks
        .checkStatus()
        .onComplete(ar -> lastUp = !stopping && ar.succeeded() && up(ar.result()))
        .mapEmpty();
  }

  /** Up when every check but the advisory ones is. */
  private boolean up(CheckResult result) {
    if (result.getChecks() == null) {
      return result.getUp();
    }
    return result.getChecks().stream().allMatch(c -> c.getUp() || advisory.contains(c.getId()));
  }

  private JsonObject render(CheckResult result, boolean up) {
    JsonArray list = new JsonArray();
    if (result.getChecks() != null) {
      for (CheckResult c : result.getChecks()) {
        JsonObject one =
            new JsonObject().put("id", c.getId()).put("status", c.getUp() ? "UP" : "DOWN");
        if (advisory.contains(c.getId())) {
          one.put("critical", false);
        }
        if (c.getData() != null) {
          one.put("data", c.getData());
        }
        list.add(one);
      }
    }
    return new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list);
  }
}
