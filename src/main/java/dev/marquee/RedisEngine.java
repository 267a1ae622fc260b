package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.bus.RoomBus;
import dev.marquee.config.Config;
import dev.marquee.config.RedisUrl;
import dev.marquee.history.OutboxArchiver;
import dev.marquee.history.RecentHistory;
import dev.marquee.messaging.MessageIntake;
import dev.marquee.messaging.WebSocketRoutes;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionStore;
import dev.marquee.store.RedisChecks;
import dev.marquee.store.RedisCipher;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine for many instances: every port on one shared Redis (standalone, Sentinel or Cluster),
 * PostgreSQL fed from the Redis outbox by every instance's archiver. Each process start is a new
 * instance id, so presence of a restarted instance is never confused with its previous life.
 */
final class RedisEngine {
  private static final Logger log = LoggerFactory.getLogger(RedisEngine.class);

  private RedisEngine() {}

  static Future<Engine> start(Config config, Clock clock, Records stored, Vertx vertx) {
    RedisUrl url = config.redis().orElseThrow();
    String instance = UUID.randomUUID().toString();
    RedisCipher cipher = config.redisEncryption().map(RedisCipher::of).orElse(RedisCipher.none());
    if (cipher.enabled()) {
      log.info("redis encryption on", kv("keyIds", cipher.keyIds()));
    }
    RedisStore store = RedisStore.create(vertx, url, config.redisKeyPrefix(), cipher);
    Duration timeout = config.health().checkTimeout();
    return store
        .ping(Duration.ofSeconds(5))
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "Redis at " + url.redacted() + " does not answer: " + e.getMessage())))
        .compose(v -> RedisChecks.requireVersion(store))
        .compose(v -> RedisChecks.warnAboutDurability(store))
        .compose(
            v -> {
              SessionStore sessions = SessionStore.redis(store, clock);
              RecentHistory history = RecentHistory.redis(store);
              RoomBus bus = RoomBus.redis(store);
              // Sockets here may have missed events (the bus was cut) or hold seqs of a state
              // Redis forgot: their clients rejoin with lastSeq and resync.
              Runnable resync =
                  () -> vertx.eventBus().publish(WebSocketRoutes.RESYNC_ADDRESS, null);
              bus.onGap(resync);
              PresenceRegistry presence =
                  PresenceRegistry.redis(store, clock, instance, config.presence().idleTimeout());
              RateLimiter limits = RateLimiter.redis(store, clock);
              OutboxArchiver archiver =
                  OutboxArchiver.redis(
                      store, stored.messages(), instance, config.outboxClaimAfter());
              MessageIntake intake =
                  MessageIntake.redis(clock, config.rateLimits(), store, archiver::backlog);
              RedisRecovery recovery =
                  new RedisRecovery(
                      store, sessions, history, stored.sessions(), stored.messages(), resync);
              Engine engine =
                  new Engine(
                      "redis",
                      sessions,
                      bus,
                      presence,
                      history,
                      limits,
                      intake,
                      () -> probe(store, bus, recovery, instance, timeout),
                      recovery::maintain,
                      drained ->
                          archiver
                              .stop()
                              .compose(x -> presence.close())
                              .compose(x -> bus.close())
                              .compose(x -> store.close())
                              .recover(e -> Future.succeededFuture()));
              return recovery
                  .maintain()
                  .compose(x -> archiver.start())
                  .onSuccess(x -> log.info("redis engine ready", kv("instance", instance)))
                  .map(engine);
            })
        .recover(e -> store.close().transform(x -> Future.failedFuture(e)));
  }

  /**
   * Ready when Redis answers, holds the engine state (rebuilt first if it was lost, so nobody is
   * served the old epochs meanwhile) and the room bus is subscribed.
   */
  private static Future<JsonObject> probe(
      RedisStore store, RoomBus bus, RedisRecovery recovery, String instance, Duration timeout) {
    return store
        .ping(timeout)
        .compose(v -> recovery.ensure())
        .compose(
            v ->
                bus.healthy()
                    ? Future.succeededFuture(
                        new JsonObject().put("engine", "redis").put("instance", instance))
                    : Future.failedFuture(
                        new IllegalStateException("room bus not subscribed to Redis")));
  }
}
