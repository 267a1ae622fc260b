package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsReport;
import dev.marquee.analytics.AnalyticsRoutes;
import dev.marquee.config.Config;
import dev.marquee.health.HealthRoutes;
import dev.marquee.health.Readiness;
import dev.marquee.history.HistoryRoutes;
import dev.marquee.history.HistoryService;
import dev.marquee.http.HttpVerticle;
import dev.marquee.http.NetworkTransport;
import dev.marquee.messaging.Realtime;
import dev.marquee.messaging.WebSocketRoutes;
import dev.marquee.metrics.Metrics;
import dev.marquee.metrics.MetricsRoutes;
import dev.marquee.presence.PresenceEvents;
import dev.marquee.presence.PresenceRoutes;
import dev.marquee.profile.ProfileRoutes;
import dev.marquee.profile.Profiles;
import dev.marquee.ratelimit.HttpRateLimit;
import dev.marquee.ratelimit.RateLimitRoutes;
import dev.marquee.retention.RetentionSweep;
import dev.marquee.session.OwnedSessions;
import dev.marquee.session.SessionModeration;
import dev.marquee.session.SessionRoutes;
import dev.marquee.session.SessionService;
import dev.marquee.store.Database;
import dev.marquee.web.WebRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Marquee server: database, engine, HTTP and WebSocket, sweeps. {@link #start} brings
 * it up in order and {@link #stop} takes it down gracefully (readiness first, sockets told to
 * reconnect, pending writes flushed).
 */
public final class Marquee {
  private static final Logger log = LoggerFactory.getLogger(Marquee.class);

  /** What a started server holds on to for running and stopping. */
  private record Parts(
      Config config,
      Vertx vertx,
      Metrics metrics,
      Readiness readiness,
      Records records,
      Engine engine,
      SessionService sessions,
      Profiles profiles,
      String deployment,
      List<HttpVerticle> servers,
      long sweeper,
      RetentionSweep retention,
      long retentionTimer) {}

  private final Parts parts;

  private Marquee(Parts parts) {
    this.parts = parts;
  }

  /** Starts everything; the future fails (and everything started is stopped) on any error. */
  public static Future<Marquee> start(Config config, Clock clock) {
    long started = System.nanoTime();
    Metrics metrics = new Metrics();
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = NetworkTransport.vertx(loops, config.http().transport(), metrics);
    Readiness readiness =
        new Readiness(vertx, config.health().checkTimeout(), config.health().heapMaxRatio());
    AtomicReference<Database> db = new AtomicReference<>();
    log.info(
        "database starting",
        kv("mode", config.databaseUrl().isPresent() ? "external" : "embedded"));
    return Database.start(vertx, config)
        .compose(
            database -> {
              db.set(database);
              log.info("database ready", kv("url", database.url().redacted()));
              Records records =
                  Records.open(
                      vertx,
                      database,
                      clock,
                      config.store().writeBufferMax(),
                      config.store().writeBatchMax());
              return Engines.create(config, clock, records, vertx)
                  .compose(
                      engine ->
                          assemble(
                              config, clock, vertx, metrics, readiness, records, engine, loops,
                              started));
            })
        .recover(
            failure -> {
              log.error("start-up failed", kv("reason", failure.getMessage()), failure);
              Future<Void> closeDb = db.get() == null ? Future.succeededFuture() : db.get().close();
              return closeDb
                  .transform(ignored -> vertx.close())
                  .transform(ignored -> Future.failedFuture(failure));
            });
  }

  private static Future<Marquee> assemble(
      Config config,
      Clock clock,
      Vertx vertx,
      Metrics metrics,
      Readiness readiness,
      Records records,
      Engine engine,
      int loops,
      long started) {
    Profiles profiles = Profiles.create(vertx, config.jwt(), records.database().pool(), clock);
    profiles.start();
    SessionService sessions =
        new SessionService(
            config.sessions(),
            config.adminToken(),
            clock,
            engine.sessions(),
            records.sessions(),
            engine.presence(),
            engine.history(),
            engine.bus(),
            records.analytics(),
            profiles);
    Realtime realtime =
        new Realtime(
            vertx,
            config,
            sessions,
            engine.presence(),
            engine.history(),
            engine.intake(),
            engine.bus(),
            engine.limits(),
            metrics,
            records.analytics());
    Duration timeout = config.health().checkTimeout();
    // On Redis an ack means in Redis and live traffic never touches PostgreSQL, so its absence
    // leaves the instance ready (history and session creation answer 503 meanwhile); on the memory
    // engine PostgreSQL is where acks are made, so it is required.
    Supplier<Future<JsonObject>> database = () -> records.database().ping(timeout).map(v -> null);
    if (engine.name().equals("redis")) {
      readiness.registerAdvisory("database", database);
    } else {
      readiness.register("database", database);
    }
    readiness.register("engine", engine.probe());
    metrics.gauge("marquee.sessions.active", "Live sessions", engine.sessions()::liveCount);
    metrics.gauge("marquee.db.write.queue.depth", "Writes waiting for PostgreSQL", records::depth);
    metrics.counterGauge(
        "marquee.db.write.errors", "Failed PostgreSQL write attempts", records::errors);
    metrics.counterGauge(
        "marquee.analytics.dropped",
        "Analytics events dropped because the write buffer was full",
        records.analytics()::dropped);
    HttpVerticle.Routes routes =
        new HttpVerticle.Routes(
            new HttpRateLimit(
                engine.limits(),
                config.rateLimits().http(),
                config.http(),
                metrics,
                records.analytics()),
            new SessionRoutes(
                sessions,
                new SessionModeration(
                    sessions,
                    engine.sessions(),
                    engine.presence(),
                    engine.bus(),
                    records.analytics()),
                new OwnedSessions(sessions, records.sessions()),
                engine.presence(),
                profiles),
            new PresenceRoutes(
                engine.presence(),
                engine.bus(),
                sessions,
                config.presence().idleAfter(),
                clock,
                records.analytics()),
            new HistoryRoutes(
                new HistoryService(engine.history(), records.database().pool(), sessions)),
            new ProfileRoutes(profiles),
            new RateLimitRoutes(engine.limits(), config.adminToken()),
            new AnalyticsRoutes(
                new AnalyticsReport(records.database().pool(), config.sessions().maxLifetime()),
                config.adminToken(),
                clock),
            new HealthRoutes(readiness),
            new MetricsRoutes(metrics, config.metricsToken()),
            WebRoutes.fromJar(),
            () -> new WebSocketRoutes(realtime));
    List<HttpVerticle> servers = new ArrayList<>();
    return vertx
        .deployVerticle(
            () -> {
              HttpVerticle v = new HttpVerticle(config.http(), readiness, routes);
              synchronized (servers) {
                servers.add(v);
              }
              return v;
            },
            new DeploymentOptions().setInstances(loops))
        .compose(id -> readiness.started().map(id))
        .map(
            id -> {
              long sweeper =
                  vertx.setPeriodic(
                      config.sessions().sweepInterval().toMillis(),
                      t -> sweep(config, sessions, engine, realtime));
              RetentionSweep retention =
                  new RetentionSweep(
                      records.database().pool(),
                      clock,
                      config.retention(),
                      RetentionSweep.DEFAULT_BATCH_SIZE,
                      metrics);
              long retentionTimer =
                  config.retention().keepsEverything()
                      ? -1
                      : vertx.setPeriodic(
                          config.retention().sweepInterval().toMillis(),
                          t ->
                              retention
                                  .sweep()
                                  .onFailure(
                                      e ->
                                          log.warn(
                                              "retention sweep failed",
                                              kv("reason", e.getMessage()))));
              int port = servers.get(0).port();
              log.info(
                  "marquee ready",
                  kv("port", port),
                  kv("engine", engine.name()),
                  kv("database", records.database().embedded() ? "embedded" : "external"),
                  kv("eventLoops", loops),
                  kv("startupMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
              return new Marquee(
                  new Parts(
                      config,
                      vertx,
                      metrics,
                      readiness,
                      records,
                      engine,
                      sessions,
                      profiles,
                      id,
                      List.copyOf(servers),
                      sweeper,
                      retention,
                      retentionTimer));
            });
  }

  private static void sweep(
      Config config, SessionService sessions, Engine engine, Realtime realtime) {
    engine
        .maintain()
        .get()
        .onFailure(e -> log.warn("engine maintenance failed", kv("reason", e.getMessage())));
    sessions.sweep().onFailure(e -> log.warn("session sweep failed", kv("reason", e.getMessage())));
    engine
        .presence()
        .sweep(config.presence().idleAfter(), config.presence().idleTimeout())
        .onSuccess(
            changes ->
                changes.forEach(
                    c -> {
                      PresenceEvents.announce(engine.bus(), c);
                      PresenceEvents.record(realtime.analytics(), c);
                    }))
        .onFailure(e -> log.warn("presence sweep failed", kv("reason", e.getMessage())));
  }

  public int port() {
    return parts.servers().get(0).port();
  }

  public Vertx vertx() {
    return parts.vertx();
  }

  public Metrics metrics() {
    return parts.metrics();
  }

  public Readiness readiness() {
    return parts.readiness();
  }

  public SessionService sessions() {
    return parts.sessions();
  }

  public Engine engine() {
    return parts.engine();
  }

  public Config config() {
    return parts.config();
  }

  /** The retention sweep the timer runs every {@code RETENTION_SWEEP_INTERVAL_MS}. */
  public RetentionSweep retention() {
    return parts.retention();
  }

  /**
   * Graceful stop: not ready at once, every socket gets {@code reconnect} and close 4000, pending
   * database writes are flushed (within the shutdown time-out), then everything closes. The
   * listener stays open while writes drain, answering 503, so load balancers see the instance go
   * unready instead of refusing connections.
   */
  public Future<Void> stop() {
    long begun = System.nanoTime();
    Duration budget = parts.config().health().shutdownTimeout();
    Vertx vertx = parts.vertx();
    Records records = parts.records();
    log.info("marquee stopping", kv("openSessions", parts.engine().sessions().liveCount()));
    parts.readiness().stopping();
    vertx.cancelTimer(parts.sweeper());
    if (parts.retentionTimer() >= 0) {
      vertx.cancelTimer(parts.retentionTimer());
    }
    List<Future<Void>> socketsClosed = new ArrayList<>();
    for (HttpVerticle server : parts.servers()) {
      socketsClosed.add(server.closeSockets());
    }
    return Future.join(socketsClosed)
        .recover(e -> Future.succeededFuture())
        .compose(
            v -> {
              Duration left = budget.minusNanos(System.nanoTime() - begun);
              return records
                  .drain(left.isNegative() ? Duration.ofMillis(1) : left)
                  .map(true)
                  .recover(
                      e -> {
                        log.error(
                            "pending writes not flushed before the shutdown time-out",
                            kv("pending", records.depth()));
                        return Future.succeededFuture(false);
                      });
            })
        .compose(
            drained ->
                vertx
                    .undeploy(parts.deployment())
                    .recover(e -> Future.succeededFuture())
                    .map(drained))
        .compose(
            drained ->
                parts.engine().shutdown().apply(drained).recover(e -> Future.succeededFuture()))
        .compose(
            v -> {
              parts.profiles().close();
              return records.database().close().recover(e -> Future.succeededFuture());
            })
        .compose(v -> vertx.close())
        .onComplete(
            ar ->
                log.info(
                    "marquee stopped",
                    kv("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun))));
  }
}
