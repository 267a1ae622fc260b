package dev.marquee.ratelimit;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import dev.marquee.store.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sliding logs in Redis, one sorted set per (kind, key), shared by every instance: pick it whenever
 * more than one instance serves the same clients. On a standalone server or Sentinel an acquisition
 * is one script call ({@code ratelimit_acquire.lua}), so the check and the record of every rule
 * happen together with no other client in between.
 *
 * <p>Failure: when Redis does not answer, or answers with an error, the future fails and nothing is
 * retried here (a retried acquisition could be recorded twice); callers fail closed, as {@link
 * RateLimiter} says.
 *
 * <p>Time comes from the caller's clock rather than Redis {@code TIME}, so tests can move it and
 * the message-intake script can share the same arithmetic. Instances must keep their clocks in step
 * (NTP): an instance that runs ahead or behind shifts its admissions by the skew.
 *
 * <p>Cluster: the logs of one acquisition's rules (and the stats keys) usually live in different
 * slots, where one script cannot reach them all; there the rules are taken one by one with
 * compensation ({@link ClusterAcquisition}), a round trip per rule, and a multi-rule acquisition
 * can briefly over-refuse (never over-admit). {@code check}, {@code reset} and {@code stats} touch
 * one slot per command and are the same everywhere.
 */
final class RedisRateLimiter implements RateLimiter {
  private static final RedisScript ACQUIRE = RedisScript.load("ratelimit_acquire");
  private static final RedisScript CHECK = RedisScript.load("ratelimit_check");

  /** How long the most-limited list remembers a key after its last refusal. */
  static final Duration TOP_EXPIRY = Duration.ofHours(24);

  private final RedisStore store;
  private final RedisKeys keys;
  private final Clock clock;
  private final boolean ruleByRule;

  /** {@code ruleByRule} as on a cluster; tests set it to run the cluster path on one server. */
  RedisRateLimiter(RedisStore store, Clock clock, boolean ruleByRule) {
    this.store = store;
    this.keys = store.keys();
    this.clock = clock;
    this.ruleByRule = ruleByRule;
  }

  @Override
  public Future<RateLimitDecision> acquire(List<RateLimitRule> rules) {
    if (rules.isEmpty()) {
      return Future.succeededFuture(RateLimitDecision.ALLOWED);
    }
    long now = clock.millis();
    if (ruleByRule) {
      return ClusterAcquisition.acquire(store, rules, now);
    }
    List<String> scriptKeys = new ArrayList<>(rules.size() + 2);
    List<String> args = new ArrayList<>(2 + rules.size() * 5);
    args.add(Long.toString(now));
    args.add(Long.toString(TOP_EXPIRY.toMillis()));
    for (RateLimitRule rule : rules) {
      scriptKeys.add(keys.rateLimit(rule.kind().wire(), rule.key()));
      args.add(Integer.toString(rule.max()));
      args.add(Long.toString(rule.window().toMillis()));
      args.add(member(now));
      args.add(rule.kind().wire());
      args.add(topMember(rule.kind(), rule.key()));
    }
    scriptKeys.add(keys.rateLimitStats());
    scriptKeys.add(keys.rateLimitTop());
    return store
        .eval(ACQUIRE, scriptKeys, args)
        .map(
            reply -> {
              int refusing = reply.get(0).toInteger();
              return refusing == 0
                  ? RateLimitDecision.ALLOWED
                  : RateLimitDecision.refused(
                      rules.get(refusing - 1).kind(), reply.get(1).toLong());
            });
  }

  @Override
  public Future<RateLimitDecision> check(RateLimitRule rule) {
    List<String> args =
        List.of(
            Long.toString(clock.millis()),
            Integer.toString(rule.max()),
            Long.toString(rule.window().toMillis()));
    return store
        .eval(CHECK, List.of(keys.rateLimit(rule.kind().wire(), rule.key())), args)
        .map(
            reply -> {
              long wait = reply.toLong();
              return wait > 0
                  ? RateLimitDecision.refused(rule.kind(), wait)
                  : RateLimitDecision.ALLOWED;
            });
  }

  @Override
  public Future<Void> reset(RateLimitKind kind, String key) {
    // Two keys in different slots: two commands, not a script, so this works on a cluster too.
    return Future.all(
            store.send(Command.DEL, keys.rateLimit(kind.wire(), key)),
            store.send(Command.ZREM, keys.rateLimitTop(), topMember(kind, key)))
        .mapEmpty();
  }

  @Override
  public Future<Stats> stats(int top) {
    Future<Response> byKind = store.send(Command.HGETALL, keys.rateLimitStats());
    Future<List<KeyCount>> mostLimited =
        top <= 0
            ? Future.succeededFuture(List.of())
            : store
                .send(Command.ZRANGE, keys.rateLimitTop(), 0, top - 1, "REV", "WITHSCORES")
                .map(RedisRateLimiter::keyCounts);
    return Future.all(byKind, mostLimited)
        .map(both -> new Stats(refusalsByKind(byKind.result()), mostLimited.result()));
  }

  /** Unique within a millisecond across instances, so simultaneous admissions all count. */
  static String member(long now) {
    return now + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  static String topMember(RateLimitKind kind, String key) {
    return kind.wire() + ":" + key;
  }

  private static Map<RateLimitKind, Long> refusalsByKind(Response hash) {
    Map<RateLimitKind, Long> out = new EnumMap<>(RateLimitKind.class);
    for (RateLimitKind kind : RateLimitKind.values()) {
      out.put(kind, 0L);
    }
    for (Map.Entry<String, Response> field : Replies.pairs(hash)) {
      RateLimitKind.fromWire(field.getKey())
          .ifPresent(kind -> out.put(kind, field.getValue().toLong()));
    }
    return out;
  }

  private static List<KeyCount> keyCounts(Response withScores) {
    List<KeyCount> out = new ArrayList<>();
    for (Map.Entry<String, Response> entry : Replies.pairs(withScores)) {
      String id = entry.getKey();
      int colon = id.indexOf(':');
      if (colon < 0) {
        continue;
      }
      long refusals = Math.round(entry.getValue().toDouble());
      RateLimitKind.fromWire(id.substring(0, colon))
          .ifPresent(kind -> out.add(new KeyCount(kind, id.substring(colon + 1), refusals)));
    }
    return List.copyOf(out);
  }
}
