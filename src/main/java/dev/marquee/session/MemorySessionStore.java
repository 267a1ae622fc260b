package dev.marquee.session;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Sessions in a map, for one instance. Pick it when {@code REDIS_URL} is unset. */
final class MemorySessionStore implements SessionStore {
  private final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

  /** Who may join one session; guarded by its own monitor. */
  private static final class Gate {
    boolean locked;
    final Set<String> controllers = new HashSet<>();
    final Map<String, Instant> kickedUntil = new HashMap<>();
  }

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
    gates.remove(code);
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
  public Future<Boolean> lock(SessionState session, boolean locked) {
    if (!sessions.containsKey(session.code())) {
      return Future.succeededFuture(false);
    }
    Gate gate = gates.computeIfAbsent(session.code(), k -> new Gate());
    synchronized (gate) {
      gate.locked = locked;
    }
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Boolean> locked(String code) {
    Gate gate = gates.get(code);
    if (gate == null) {
      return Future.succeededFuture(false);
    }
    synchronized (gate) {
      return Future.succeededFuture(gate.locked);
    }
  }

  @Override
  public Future<Void> kick(SessionState session, String clientId, Instant until) {
    if (!sessions.containsKey(session.code())) {
      return Future.succeededFuture(); // ended: nobody joins any more, and the gate went with it
    }
    Gate gate = gates.computeIfAbsent(session.code(), k -> new Gate());
    synchronized (gate) {
      gate.kickedUntil.put(clientId, until);
      gate.controllers.remove(clientId);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Admission> admit(
      SessionState session, String clientId, boolean controller, Instant now) {
    if (!sessions.containsKey(session.code())) {
      return Future.succeededFuture(Admission.ADMITTED); // ended: the join finds that out next
    }
    Gate gate = gates.computeIfAbsent(session.code(), k -> new Gate());
    synchronized (gate) {
      Instant until = gate.kickedUntil.get(clientId);
      if (until != null && until.isAfter(now)) {
        return Future.succeededFuture(Admission.KICKED);
      }
      gate.kickedUntil.remove(clientId);
      if (controller && !gate.controllers.contains(clientId)) {
        if (gate.locked) {
          return Future.succeededFuture(Admission.LOCKED);
        }
        gate.controllers.add(clientId);
      }
      return Future.succeededFuture(Admission.ADMITTED);
    }
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
