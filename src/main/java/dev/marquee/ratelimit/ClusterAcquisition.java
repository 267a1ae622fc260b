package dev.marquee.ratelimit;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;

/**
 * One acquisition on Redis Cluster, where one script cannot reach logs in different slots: the
 * rules are taken one by one ({@code ratelimit_take.lua}), and a refusal takes back what the rules
 * before it recorded. The members are unique, so {@code ZREM} removes exactly those admissions.
 *
 * <p>Until they are taken back, another acquisition can count those admissions and be refused: on a
 * cluster a multi-rule acquisition may over-refuse briefly, never over-admit. If taking back fails
 * too, the admissions stay until they leave the window, and the future fails.
 */
final class ClusterAcquisition {
  private static final RedisScript TAKE = RedisScript.load("ratelimit_take");

  private final RedisStore store;
  private final RedisKeys keys;
  private final List<RateLimitRule> rules;
  private final long now;
  private final List<String> taken = new ArrayList<>();
  private final List<String> members = new ArrayList<>();

  private ClusterAcquisition(RedisStore store, List<RateLimitRule> rules, long now) {
    this.store = store;
    this.keys = store.keys();
    this.rules = rules;
    this.now = now;
  }

  static Future<RateLimitDecision> acquire(RedisStore store, List<RateLimitRule> rules, long now) {
    return new ClusterAcquisition(store, rules, now).take(0);
  }

  private Future<RateLimitDecision> take(int i) {
    if (i == rules.size()) {
      return Future.succeededFuture(RateLimitDecision.ALLOWED);
    }
    RateLimitRule rule = rules.get(i);
    String log = keys.rateLimit(rule.kind().wire(), rule.key());
    String member = RedisRateLimiter.member(now);
    List<String> args =
        List.of(
            Long.toString(now),
            Integer.toString(rule.max()),
            Long.toString(rule.window().toMillis()),
            member);
    return store
        .eval(TAKE, List.of(log), args)
        .recover(e -> takeBack().transform(ignored -> Future.failedFuture(e)))
        .compose(
            reply -> {
              long wait = reply.toLong();
              if (wait > 0) {
                return Future.all(takeBack(), countRefusal(rule))
                    .map(RateLimitDecision.refused(rule.kind(), wait));
              }
              taken.add(log);
              members.add(member);
              return take(i + 1);
            });
  }

  private Future<Void> takeBack() {
    List<Future<?>> removals = new ArrayList<>();
    for (int i = 0; i < taken.size(); i++) {
      removals.add(store.send(Command.ZREM, taken.get(i), members.get(i)));
    }
    return Future.all(removals).mapEmpty();
  }

  /** The stats keys sit in slots of their own: separate commands, after the refusal. */
  private Future<Void> countRefusal(RateLimitRule rule) {
    String top = keys.rateLimitTop();
    return Future.all(
            store.send(Command.HINCRBY, keys.rateLimitStats(), rule.kind().wire(), 1),
            store
                .send(Command.ZINCRBY, top, 1, RedisRateLimiter.topMember(rule.kind(), rule.key()))
                .compose(
                    r -> store.send(Command.PEXPIRE, top, RedisRateLimiter.TOP_EXPIRY.toMillis())))
        .mapEmpty();
  }
}
