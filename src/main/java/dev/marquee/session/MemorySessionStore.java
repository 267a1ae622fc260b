package dev.marquee.session;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Sessions in a map, for one instance. Pick it when {@code REDIS_URL} is unset. */
final class MemorySessionStore implements SessionStore {
  private final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(SessionState session) {
    sessions.put(session.code(), session);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<SessionState>> find(String code) {
    return Future.succeededFuture(Optional.ofNullable(sessions.get(code)));
  }

  @Override
  public Future<SessionState> advance(String code, Instant at) {
    SessionState next =
        sessions.computeIfPresent(code, (k, s) -> s.withMessage(s.lastSeq() + 1, at));
    return next == null
        ? Future.failedFuture(new SessionGoneException(code))
        : Future.succeededFuture(next);
  }

  @Override
  public Future<Optional<SessionState>> end(String code, EndReason reason, Instant at) {
    SessionState removed = sessions.remove(code);
    return Future.succeededFuture(Optional.ofNullable(removed).map(s -> s.withEnd(at, reason)));
  }

  @Override
  public Future<Boolean> markWarned(String code, Instant lastActivityAt) {
    AtomicBoolean marked = new AtomicBoolean();
    sessions.computeIfPresent(
        code,
        (k, s) -> {
          if (s.lastActivityAt().equals(lastActivityAt) && !lastActivityAt.equals(s.warnedFor())) {
            marked.set(true);
            return s.withWarned(lastActivityAt);
          }
          return s;
        });
    return Future.succeededFuture(marked.get());
  }

  @Override
  public Future<List<SessionState>> live() {
    return Future.succeededFuture(List.copyOf(sessions.values()));
  }

  @Override
  public long liveCount() {
    return sessions.size();
  }
}
