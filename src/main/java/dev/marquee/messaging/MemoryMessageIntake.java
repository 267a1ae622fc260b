package dev.marquee.messaging;

import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;
import dev.marquee.config.Config;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.ratelimit.RateLimitRule;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionGoneException;
import dev.marquee.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs each session's acceptances one after another (a per-session chain of futures), so seq
 * assignment and publication cannot interleave. Pick it with the memory engine.
 */
final class MemoryMessageIntake implements MessageIntake {
  private final Clock clock;
  private final Config.RateLimits limits;
  private final SessionStore sessions;
  private final RecentHistory history;
  private final RateLimiter limiter;
  private final RoomBus bus;
  private final MessageArchive archive;
  private final ConcurrentHashMap<String, Future<?>> tails = new ConcurrentHashMap<>();

  MemoryMessageIntake(
      Clock clock,
      Config.RateLimits limits,
      SessionStore sessions,
      RecentHistory history,
      RateLimiter limiter,
      RoomBus bus,
      MessageArchive archive) {
    this.clock = clock;
    this.limits = limits;
    this.sessions = sessions;
    this.history = history;
    this.limiter = limiter;
    this.bus = bus;
    this.archive = archive;
  }

  @Override
  public Future<Admission> accept(Submission s) {
    return serially(s.session(), () -> acceptNow(s));
  }

  private Future<Admission> acceptNow(Submission s) {
    if (!archive.reserve()) {
      return Future.succeededFuture(Admission.Refused.bufferFull());
    }
    List<RateLimitRule> rules =
        List.of(
            new RateLimitRule(
                RateLimitKind.CONTROLLER,
                s.clientId(),
                limits.controller().max(),
                limits.controller().window()),
            new RateLimitRule(
                RateLimitKind.IP, s.ipKey(), limits.ip().max(), limits.ip().window()));
    return limiter
        .acquire(rules)
        .compose(
            decision -> {
              if (!decision.allowed()) {
                archive.release();
                return Future.succeededFuture(
                    Admission.Refused.rateLimited(decision.limitedBy(), decision.retryAfterMs()));
              }
              return admit(s);
            },
            failure -> {
              archive.release();
              return Future.failedFuture(failure);
            });
  }

  private Future<Admission> admit(Submission s) {
    Instant now = Instant.ofEpochMilli(clock.millis()); // the wire carries milliseconds
    return sessions
        .advance(s.session(), now)
        .compose(
            state -> {
              StoredMessage message =
                  new StoredMessage(
                      s.session(),
                      state.lastSeq(),
                      now.toEpochMilli(),
                      s.clientId(),
                      s.name(),
                      s.role(),
                      s.text());
              Future<Void> stored = archive.append(message);
              return history
                  .append(message)
                  .compose(v -> bus.publish(new RoomEvent.Message(message, System.nanoTime())))
                  .map(v -> (Admission) new Admission.Accepted(message, stored));
            },
            failure -> {
              archive.release();
              if (failure instanceof SessionGoneException) {
                return Future.succeededFuture(Admission.Refused.sessionEnded());
              }
              return Future.failedFuture(failure);
            });
  }

  private <T> Future<T> serially(String key, Supplier<Future<T>> task) {
    Promise<T> done = Promise.promise();
    Future<T> mine = done.future();
    Future<?> before = tails.put(key, mine);
    Runnable run =
        () -> {
          Future<T> result;
          try {
            result = task.get();
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onComplete(done);
        };
    if (before == null) {
      run.run();
    } else {
      before.onComplete(ignored -> run.run());
    }
    mine.onComplete(ignored -> tails.remove(key, mine));
    return mine;
  }
}
