package dev.marquee.messaging;

import dev.marquee.config.Config;
import dev.marquee.history.OutboxArchiver;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.ratelimit.RateLimitDecision;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.ratelimit.RateLimitRule;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.store.EngineMarkers;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Accepts a message on Redis Cluster, where the rate-limit logs live in other slots than the
 * session: both limits are taken first, rule by rule ({@link RateLimiter}, a refusal takes back
 * what the other rule took), then one script on the session's slot ({@code lua/accept_session.lua})
 * assigns the seq, stamps the activity, appends to the history window, writes the session's own
 * outbox stream {@code P:outbox:{CODE}} and publishes, or does nothing. Alongside the limits, the
 * session's count in {@code P:outbox:sessions} is bumped, so archivers find its stream: before the
 * script, so a crash after it leaves no stream unindexed.
 *
 * <p>{@code stored} completes with the script: the message is in Redis, in a stream some archiver
 * will read even if this instance dies at once. Three round trips one after another (the two rules
 * and the script), with the index bump sent beside the first.
 *
 * <p>Not one atomic step, unlike on standalone and Sentinel: the limits are taken before the
 * session is looked at, so a message refused as {@code session_ended} or {@code unavailable} (its
 * stream full), or one whose script fails, still counts against both limits. The whole outbox is
 * bounded by the archivers' last count ({@code backlog}), checked before anything is taken, each
 * session's stream by the script; both bounds are {@link RedisMessageIntake#OUTBOX_BOUND}.
 */
final class ClusterMessageIntake implements MessageIntake {
  static final RedisScript SCRIPT = RedisScript.load("accept_session");

  private final Clock clock;
  private final Config.RateLimits limits;
  private final EngineMarkers markers;
  private final RedisStore store;
  private final RedisKeys keys;
  private final RateLimiter limiter;
  private final LongSupplier backlog;

  ClusterMessageIntake(
      Clock clock,
      Config.RateLimits limits,
      RedisStore store,
      RateLimiter limiter,
      LongSupplier backlog) {
    this.clock = clock;
    this.limits = limits;
    this.markers = new EngineMarkers(store);
    this.store = store;
    this.keys = store.keys();
    this.limiter = limiter;
    this.backlog = backlog;
  }

  @Override
  public Future<Admission> accept(Submission s) {
    if (backlog.getAsLong() >= RedisMessageIntake.OUTBOX_BOUND) {
      return Future.succeededFuture(Admission.Refused.bufferFull());
    }
    String code = s.session();
    Future<Response> indexed = store.send(Command.ZINCRBY, keys.outboxSessions(), "1", code);
    Future<RateLimitDecision> decided = limiter.acquire(rules(s));
    return Future.all(indexed, decided)
        .compose(
            both -> {
              RateLimitDecision decision = decided.result();
              if (!decision.allowed()) {
                return Future.succeededFuture(
                    Admission.Refused.rateLimited(decision.limitedBy(), decision.retryAfterMs()));
              }
              return admit(s);
            });
  }

  private List<RateLimitRule> rules(Submission s) {
    return List.of(
        new RateLimitRule(
            RateLimitKind.CONTROLLER,
            s.clientId(),
            limits.controller().max(),
            limits.controller().window()),
        new RateLimitRule(RateLimitKind.IP, s.ipKey(), limits.ip().max(), limits.ip().window()));
  }

  private Future<Admission> admit(Submission s) {
    long now = clock.millis();
    String code = s.session();
    List<String> args =
        List.of(
            Long.toString(now),
            code,
            s.clientId(),
            store.cipher().seal(s.name()),
            s.role().wire(),
            store.cipher().seal(s.text()),
            Integer.toString(RecentHistory.WINDOW),
            Long.toString(RedisMessageIntake.HISTORY_TTL_MS),
            keys.room(code),
            Long.toString(RedisMessageIntake.OUTBOX_BOUND),
            OutboxArchiver.GROUP);
    return store
        .eval(SCRIPT, List.of(keys.session(code), keys.history(code), keys.outbox(code)), args)
        .<Admission>map(
            r ->
                switch (r.get(0).toString()) {
                  case "ok" ->
                      new Admission.Accepted(
                          new StoredMessage(
                              code,
                              r.get(1).toLong(),
                              now,
                              s.clientId(),
                              s.name(),
                              s.role(),
                              s.text()),
                          Future.succeededFuture());
                  case "gone" -> Admission.Refused.sessionEnded();
                  case "full" -> Admission.Refused.bufferFull();
                  default ->
                      throw new IllegalStateException(
                          "unexpected answer from accept_session: " + r.get(0));
                })
        .compose(a -> MessageIntake.unlessStateLost(a, markers, keys.session(code)));
  }
}
