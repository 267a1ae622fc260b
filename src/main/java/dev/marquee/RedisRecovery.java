package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.RedisUrl;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.RecentHistory;
import dev.marquee.session.SessionRecords;
import dev.marquee.session.SessionService;
import dev.marquee.session.SessionState;
import dev.marquee.session.SessionStore;
import dev.marquee.store.EngineMarkers;
import dev.marquee.store.RedisGroups;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when Redis has forgotten everything (restarted without persistence, or flushed) and
 * rebuilds the live sessions from PostgreSQL. Seq continuity cannot be vouched for then, so each
 * rebuilt session gets a new epoch and rejoining clients are told {@code recovered: false}.
 *
 * <p>The sign is a marker key written once the engine state is known good; it has no expiry on
 * purpose (its absence is the signal). One instance rebuilds at a time, under a short lock.
 *
 * <p>On a cluster a master that restarts empty loses only its own slots, and a single marker may
 * well live on another; so there are {@value EngineMarkers#CLUSTER_MARKERS} markers, one in every
 * 1024th slot, and each master that owns a range of at least 1024 slots (any even split over up to
 * 16 masters) holds one. A rebuild then restores only the sessions Redis no longer has.
 */
final class RedisRecovery {
  private static final Logger log = LoggerFactory.getLogger(RedisRecovery.class);
  private static final long LOCK_MS = 30_000;

  private final RedisStore store;
  private final SessionStore sessions;
  private final RecentHistory history;
  private final SessionRecords records;
  private final MessageArchive archive;
  private final List<String> markers;
  private final String lock;
  private final Runnable restored;
  // The markers' values when last seen whole (a rebuild writes new ones), and whether they were
  // seen missing since: either says Redis forgot the state this instance's sockets were built on.
  private List<String> known;
  private boolean forgotten;

  RedisRecovery(
      RedisStore store,
      SessionStore sessions,
      RecentHistory history,
      SessionRecords records,
      MessageArchive archive,
      Runnable restored) {
    this.store = store;
    this.restored = restored;
    this.sessions = sessions;
    this.history = history;
    this.records = records;
    this.archive = archive;
    this.markers = new EngineMarkers(store).keys();
    this.lock = store.keys().prefix() + ":engine:rebuilding";
  }

  /**
   * Rebuilds if a marker is gone; cheap (one GET per marker) when they are there. While a rebuild
   * started elsewhere (another instance, or an earlier call here) is not finished, fails with
   * {@link RebuildUnderWay}: readiness must not pass before the sessions are back.
   *
   * <p>Once the markers are back after this instance had seen them, but missing or with other
   * values (another instance rebuilt in between), runs {@code restored}: the sockets here joined
   * under epochs that may be gone, so their clients must rejoin and resync.
   */
  Future<Void> ensure() {
    return RedisGroups.all(markers, m -> store.send(Command.GET, m))
        .compose(
            found -> {
              List<String> values = new ArrayList<>();
              found.forEach(r -> values.add(r == null ? null : r.toString()));
              if (values.contains(null)) {
                synchronized (this) {
                  forgotten |= known != null;
                }
                return rebuildOnce().compose(v -> ensure());
              }
              boolean resync;
              synchronized (this) {
                resync = forgotten || (known != null && !known.equals(values));
                known = values;
                forgotten = false;
              }
              if (resync) {
                log.warn("redis engine state was rebuilt: telling clients to rejoin and resync");
                restored.run();
              }
              return Future.succeededFuture();
            });
  }

  /** {@link #ensure()} for sweeps and start-up, to whom a rebuild under way is no failure. */
  Future<Void> maintain() {
    return ensure()
        .recover(
            e -> e instanceof RebuildUnderWay ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private Future<Void> rebuildOnce() {
    return store
        .send(Command.SET, lock, "1", "NX", "PX", Long.toString(LOCK_MS))
        .compose(
            got ->
                got == null
                    ? Future.<Void>failedFuture(new RebuildUnderWay())
                    : rebuild().eventually(() -> store.send(Command.DEL, lock)));
  }

  /** Another rebuild holds the lock; the engine state is not back yet. */
  static final class RebuildUnderWay extends IllegalStateException {
    RebuildUnderWay() {
      super("the engine state is being rebuilt from PostgreSQL");
    }
  }

  private Future<Void> rebuild() {
    return records
        .live()
        .compose(
            live -> {
              List<Future<?>> work = new ArrayList<>();
              List<String> codes = new ArrayList<>();
              for (SessionState s : live) {
                codes.add(s.code());
              }
              return archive
                  .recent(codes, RecentHistory.WINDOW)
                  .compose(
                      recent -> {
                        for (SessionState s : live) {
                          work.add(
                              reindex(s.code())
                                  .compose(
                                      x -> restore(s, recent.getOrDefault(s.code(), List.of()))));
                        }
                        return Future.all(work);
                      })
                  .compose(
                      v ->
                          RedisGroups.all(
                              markers,
                              m ->
                                  store.send(
                                      Command.SET, m, Long.toString(System.currentTimeMillis()))))
                  .onSuccess(
                      v -> {
                        long rebuilt =
                            work.stream().filter(f -> Boolean.TRUE.equals(f.result())).count();
                        if (rebuilt > 0) {
                          log.warn(
                              "redis had lost the engine state: sessions rebuilt from PostgreSQL"
                                  + " with new epochs; clients will resync",
                              kv("sessions", rebuilt));
                        }
                      })
                  .mapEmpty();
            });
  }

  /**
   * On a cluster the outbox index may have lived on the lost master while streams on the others
   * still hold messages, so every live session goes back in it; one that has no stream costs the
   * archivers a read per full pass until it ends.
   */
  private Future<Void> reindex(String code) {
    return store.url().mode() != RedisUrl.Mode.CLUSTER
        ? Future.succeededFuture()
        : store.send(Command.ZINCRBY, store.keys().outboxSessions(), "1", code).mapEmpty();
  }

  /**
   * Puts back one session Redis no longer has; true if it had to. Looks at the hash itself: the
   * store's {@code find} refuses to answer while the markers are missing.
   */
  private Future<Boolean> restore(SessionState s, List<dev.marquee.history.StoredMessage> window) {
    return store
        .send(Command.EXISTS, store.keys().session(s.code()))
        .compose(
            present -> {
              if (present.toInteger() == 1) {
                return Future.succeededFuture(false);
              }
              String epoch = SessionService.newEpoch();
              SessionState fresh = s.withEpoch(epoch);
              // The window first: once the hash is back the session takes messages, and loading
              // the window (which replaces the list) after one was appended would drop it from
              // history and replay until the archive had it.
              return records
                  .setEpoch(s.code(), epoch)
                  .compose(v -> history.load(s.code(), window))
                  .compose(v -> sessions.put(fresh))
                  .map(true);
            });
  }
}
