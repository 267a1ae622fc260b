package dev.marquee.session;

import dev.marquee.store.EngineMarkers;
import dev.marquee.store.RedisGroups;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions in Redis, shared by every instance: pick it with the Redis engine. Every change is one
 * script on the session's hash, so seqs, ends and warnings are decided once by Redis whichever
 * instance asks. On standalone and Sentinel the same scripts keep the live index; on a cluster the
 * index is in another slot, so it is updated by a second command and re-checked afterwards (a put
 * racing an end or a prune keeps its entry).
 *
 * <p>{@link #liveCount()} answers without a round trip: a count cached in this process, set by
 * every {@link #live()} and moved by this instance's puts and ends. When the cached value is older
 * than a second, the call also starts one {@code ZCARD} of the index in the background, whose
 * answer later calls return; so sessions other instances create or end are counted within about a
 * second of the next call, and an index entry whose hash vanished counts until a {@code live()}
 * drops it. No timer is involved, so there is nothing to stop.
 */
final class RedisSessionStore implements SessionStore {
  static final RedisScript PUT = RedisScript.load("session_put");
  static final RedisScript ADVANCE = RedisScript.load("session_advance");
  static final RedisScript END = RedisScript.load("session_end");
  static final RedisScript WARN = RedisScript.load("session_warn");
  static final RedisScript GATE = RedisScript.load("session_gate");
  static final RedisScript ADMIT = RedisScript.load("session_admit");

  private final RedisStore store;
  private final RedisKeys keys;
  private final Clock clock;
  private final LiveIndex index;
  private final EngineMarkers markers;

  /**
   * {@code indexInScripts} is false on a cluster, where the index and a session hash are in
   * different slots and one script cannot touch both.
   */
  RedisSessionStore(RedisStore store, Clock clock, boolean indexInScripts) {
    this.markers = new EngineMarkers(store);
    this.store = store;
    this.keys = store.keys();
    this.clock = clock;
    this.index = new LiveIndex(store, indexInScripts);
  }

  @Override
  public Future<Void> put(SessionState s) {
    String code = s.code();
    String expiresAt = SessionHash.millis(s.expiresAt());
    List<String> args = new ArrayList<>(List.of(code, expiresAt, ttl(s)));
    args.addAll(SessionHash.encode(withTitle(s, store.cipher().seal(s.title()))));
    return store
        .eval(PUT, index.scriptKeys(code), args)
        .compose(added -> index.added(code, expiresAt, added.toLong()));
  }

  /**
   * The expiry of a session's keys: counted on the engine's clock, not Redis's, and never less than
   * the grace, so a session put after its lifetime still lives until a sweep ends it.
   */
  private String ttl(SessionState s) {
    return Long.toString(
        Math.max(
            s.expiresAt().toEpochMilli() + SessionHash.GRACE.toMillis() - clock.millis(),
            SessionHash.GRACE.toMillis()));
  }

  @Override
  public Future<Optional<SessionState>> find(String code) {
    return read(code).compose(found -> markers.unlessLost(found, () -> read(code)));
  }

  private Future<Optional<SessionState>> read(String code) {
    return store
        .send(Command.HGETALL, keys.session(code))
        .map(
            r ->
                Optional.of(fields(r))
                    .filter(f -> !f.isEmpty())
                    .map(f -> opened(SessionHash.decode(code, f))));
  }

  @Override
  public Future<SessionState> advance(String code, Instant at) {
    return store
        .eval(ADVANCE, List.of(keys.session(code)), List.of(SessionHash.millis(at)))
        .compose(
            r -> {
              Map<String, String> f = fields(r);
              return f.isEmpty()
                  ? Future.failedFuture(new SessionGoneException(code))
                  : Future.succeededFuture(opened(SessionHash.decode(code, f)));
            });
  }

  @Override
  public Future<Optional<SessionState>> end(String code, EndReason reason, Instant at) {
    return store
        .eval(END, index.scriptKeys(code), List.of(code))
        .compose(
            r -> {
              Map<String, String> f = fields(r);
              if (f.isEmpty()) {
                return Future.succeededFuture(Optional.<SessionState>empty());
              }
              SessionState ended = opened(SessionHash.decode(code, f)).withEnd(at, reason);
              return index
                  .ended(code)
                  .compose(v -> store.send(Command.DEL, keys.gate(code)))
                  .map(Optional.of(ended));
            });
  }

  @Override
  public Future<Boolean> markWarned(String code, Instant lastActivityAt) {
    return store
        .eval(WARN, List.of(keys.session(code)), List.of(SessionHash.millis(lastActivityAt)))
        .map(r -> r.toLong() == 1L);
  }

  @Override
  public Future<Boolean> lock(SessionState session, boolean locked) {
    return gate(session, "locked", locked ? "1" : "0", "");
  }

  @Override
  public Future<Boolean> locked(String code) {
    return store
        .send(Command.HGET, keys.gate(code), "locked")
        .map(r -> r != null && "1".equals(r.toString()));
  }

  @Override
  public Future<Void> kick(SessionState session, String clientId, Instant until) {
    return gate(
            session,
            "kicked:" + clientId,
            Long.toString(until.toEpochMilli()),
            "member:" + clientId)
        .mapEmpty();
  }

  private Future<Boolean> gate(SessionState s, String field, String value, String drop) {
    String code = s.code();
    return store
        .eval(
            GATE, List.of(keys.session(code), keys.gate(code)), List.of(ttl(s), field, value, drop))
        .map(r -> r.toLong() == 1L);
  }

  @Override
  public Future<Admission> admit(
      SessionState session, String clientId, boolean controller, Instant now) {
    return store
        .eval(
            ADMIT,
            List.of(keys.gate(session.code())),
            List.of(
                clientId, controller ? "1" : "0", Long.toString(now.toEpochMilli()), ttl(session)))
        .map(r -> Admission.valueOf(r.toString().toUpperCase(java.util.Locale.ROOT)));
  }

  @Override
  public Future<List<SessionState>> live() {
    return index
        .codes()
        .compose(
            codes ->
                hashes(codes)
                    .compose(
                        hashes -> {
                          List<SessionState> live = new ArrayList<>(codes.size());
                          List<String> gone = new ArrayList<>();
                          for (int i = 0; i < codes.size(); i++) {
                            Map<String, String> f = fields(hashes.get(i));
                            if (f.isEmpty()) {
                              gone.add(codes.get(i));
                            } else {
                              live.add(opened(SessionHash.decode(codes.get(i), f)));
                            }
                          }
                          index.counted(live.size());
                          return index.prune(gone).map(live);
                        }));
  }

  @Override
  public long liveCount() {
    return index.count();
  }

  /** Every hash in the order of {@code codes}; pipelined where one connection may serve them. */
  private Future<List<Response>> hashes(List<String> codes) {
    return RedisGroups.inGroups(
        codes,
        RedisGroups.SIZE,
        group -> {
          if (!index.inScripts) {
            // A cluster client refuses batches that span nodes; single commands go by key.
            return RedisGroups.all(group, code -> store.send(Command.HGETALL, keys.session(code)));
          }
          List<Request> batch = new ArrayList<>(group.size());
          for (String code : group) {
            batch.add(Request.cmd(Command.HGETALL, keys.session(code)));
          }
          return store.batch(batch);
        });
  }

  /** A hash as RESP3 sends it (a map) or as a script returns it (field, value, ...). */
  static Map<String, String> fields(Response r) {
    Map<String, String> out = new HashMap<>();
    if (r == null) {
      return out;
    }
    if (r.isMap()) {
      for (String k : r.getKeys()) {
        out.put(k, r.get(k).toString());
      }
    } else {
      for (int i = 0; i + 1 < r.size(); i += 2) {
        out.put(r.get(i).toString(), r.get(i + 1).toString());
      }
    }
    return out;
  }

  /** The state with its title opened (titles are kept sealed when encryption is on). */
  private SessionState opened(SessionState s) {
    return store.cipher().enabled() ? withTitle(s, store.cipher().open(s.title())) : s;
  }

  private static SessionState withTitle(SessionState s, String title) {
    return new SessionState(
        s.code(),
        title,
        s.createdAt(),
        s.expiresAt(),
        s.lastActivityAt(),
        s.lastSeq(),
        s.epoch(),
        s.endedAt(),
        s.endReason(),
        s.warnedFor());
  }
}
