package dev.marquee.messaging;

import dev.marquee.config.Config;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.store.EngineMarkers;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * Accepts a message with one script call ({@code lua/accept_message.lua}): limits, seq, activity,
 * history window, outbox and publication happen together or not at all. The outbox is what
 * PostgreSQL is fed from, so {@code stored} completes as soon as the script did: the message is in
 * Redis, and survives this instance (and, with AOF, Redis) going away. Pick it with the Redis
 * engine on a standalone or Sentinel Redis; on a cluster the script's keys span several slots, so
 * {@link ClusterMessageIntake} splits the work there.
 */
final class RedisMessageIntake implements MessageIntake {
  static final RedisScript SCRIPT = RedisScript.load("accept_message");

  /**
   * Messages Redis may hold for PostgreSQL before new ones are refused with {@code unavailable}.
   */
  static final long OUTBOX_BOUND = 100_000;

  static final long HISTORY_TTL_MS = 24 * 3_600_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final Config.RateLimits limits;
  private final RedisStore store;
  private final RedisKeys keys;
  private final EngineMarkers markers;

  RedisMessageIntake(Clock clock, Config.RateLimits limits, RedisStore store) {
    this.clock = clock;
    this.limits = limits;
    this.store = store;
    this.keys = store.keys();
    this.markers = new EngineMarkers(store);
  }

  @Override
  public Future<Admission> accept(Submission s) {
    long now = clock.millis();
    String code = s.session();
    List<String> scriptKeys =
        List.of(
            keys.session(code),
            keys.history(code),
            keys.outbox(),
            keys.rateLimit(RateLimitKind.CONTROLLER.wire(), s.clientId()),
            keys.rateLimit(RateLimitKind.IP.wire(), s.ipKey()),
            keys.rateLimitStats(),
            keys.rateLimitTop());
    List<String> args =
        List.of(
            Long.toString(now),
            code,
            s.clientId(),
            store.cipher().seal(s.name()),
            s.role().wire(),
            store.cipher().seal(s.text()),
            Integer.toString(limits.controller().max()),
            Long.toString(limits.controller().window().toMillis()),
            Integer.toString(limits.ip().max()),
            Long.toString(limits.ip().window().toMillis()),
            Long.toHexString(RANDOM.nextLong()),
            Integer.toString(RecentHistory.WINDOW),
            Long.toString(HISTORY_TTL_MS),
            keys.room(code),
            Long.toString(OUTBOX_BOUND),
            s.clientId(),
            s.ipKey());
    return store
        .eval(SCRIPT, scriptKeys, args)
        .map(r -> admission(r, s, now))
        .compose(a -> MessageIntake.unlessStateLost(a, markers, keys.session(s.session())));
  }

  private static Admission admission(Response r, Submission s, long now) {
    String outcome = r.get(0).toString();
    switch (outcome) {
      case "ok":
        StoredMessage m =
            new StoredMessage(
                s.session(), r.get(1).toLong(), now, s.clientId(), s.name(), s.role(), s.text());
        return new Admission.Accepted(m, Future.succeededFuture());
      case "gone":
        return Admission.Refused.sessionEnded();
      case "full":
        return Admission.Refused.bufferFull();
      case "limited":
        return Admission.Refused.rateLimited(
            RateLimitKind.fromWire(r.get(1).toString()).orElseThrow(), r.get(2).toLong());
      default:
        throw new IllegalStateException("unexpected answer from accept_message: " + outcome);
    }
  }
}
