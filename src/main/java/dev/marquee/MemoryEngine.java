package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.bus.RoomBus;
import dev.marquee.config.Config;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.messaging.MessageIntake;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionRecords;
import dev.marquee.session.SessionService;
import dev.marquee.session.SessionState;
import dev.marquee.session.SessionStore;
import dev.marquee.store.ServerState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-instance engine: every port in this process's memory, PostgreSQL as the record, an ack
 * only after the message is committed there.
 */
final class MemoryEngine {
  private static final Logger log = LoggerFactory.getLogger(MemoryEngine.class);
  static final String MEMORY_CLEAN_SHUTDOWN = "memory_engine_clean_shutdown";

  private MemoryEngine() {}

  static Future<Engine> start(Config config, Clock clock, Records stored) {
    if (config.redisEncryption().isPresent()) {
      log.warn("REDIS_ENCRYPTION_KEY is set but REDIS_URL is not: nothing is kept in Redis");
    }
    SessionRecords records = stored.sessions();
    MessageArchive archive = stored.messages();
    ServerState serverState = stored.serverState();
    SessionStore sessions = SessionStore.memory();
    RecentHistory history = RecentHistory.memory();
    RoomBus bus = RoomBus.memory();
    PresenceRegistry presence = PresenceRegistry.memory(clock);
    RateLimiter limits = RateLimiter.memory(clock);
    MessageIntake intake =
        MessageIntake.memory(clock, config.rateLimits(), sessions, history, limits, bus, archive);
    Engine engine =
        new Engine(
            "memory",
            sessions,
            bus,
            presence,
            history,
            limits,
            intake,
            () -> Future.succeededFuture(new JsonObject().put("engine", "memory")),
            () -> Future.succeededFuture(),
            drained ->
                drained
                    ? serverState.set(MEMORY_CLEAN_SHUTDOWN, "true")
                    : Future.succeededFuture());
    return restore(engine, records, archive, serverState).map(engine);
  }

  /**
   * Rebuilds the memory engine from PostgreSQL: live sessions, their seqs and recent history. After
   * a crash, messages may have been delivered that never reached the record, so seq continuity
   * cannot be vouched for: every session gets a new epoch and clients resync.
   */
  private static Future<Void> restore(
      Engine engine, SessionRecords records, MessageArchive archive, ServerState serverState) {
    return serverState
        .get(MEMORY_CLEAN_SHUTDOWN)
        .compose(
            clean ->
                records
                    .live()
                    .compose(
                        live -> {
                          List<String> codes = new ArrayList<>();
                          live.forEach(s -> codes.add(s.code()));
                          return archive
                              .recent(codes, RecentHistory.WINDOW)
                              .compose(
                                  recent -> {
                                    boolean unclean =
                                        !live.isEmpty() && !"true".equals(clean.orElse(null));
                                    return load(engine, records, live, recent, unclean);
                                  });
                        }))
        .compose(v -> serverState.set(MEMORY_CLEAN_SHUTDOWN, "false"));
  }

  private static Future<Void> load(
      Engine engine,
      SessionRecords records,
      List<SessionState> live,
      Map<String, List<StoredMessage>> recent,
      boolean unclean) {
    List<Future<?>> work = new ArrayList<>();
    int messages = 0;
    for (SessionState s : live) {
      SessionState state = unclean ? s.withEpoch(SessionService.newEpoch()) : s;
      List<StoredMessage> window = recent.getOrDefault(s.code(), List.of());
      messages += window.size();
      Future<?> epoch =
          unclean ? records.setEpoch(s.code(), state.epoch()) : Future.succeededFuture();
      work.add(
          epoch
              .compose(v -> engine.sessions().put(state))
              .compose(v -> engine.history().load(s.code(), window)));
    }
    int loaded = messages;
    return Future.all(work)
        .onSuccess(
            v -> {
              if (unclean) {
                log.warn(
                    "engine restored after an unclean stop: epochs changed, clients will resync",
                    kv("sessions", live.size()),
                    kv("messages", loaded));
              } else {
                log.info("engine restored", kv("sessions", live.size()), kv("messages", loaded));
              }
            })
        .mapEmpty();
  }
}
