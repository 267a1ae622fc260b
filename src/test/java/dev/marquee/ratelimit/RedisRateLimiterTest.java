package dev.marquee.ratelimit;

import static dev.marquee.ratelimit.RateLimitKind.CONTROLLER;
import static dev.marquee.ratelimit.RateLimitKind.IP;
import static dev.marquee.testing.Await.await;
import static dev.marquee.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisStore;
import dev.marquee.store.Replies;
import dev.marquee.testing.RedisMonitor;
import dev.marquee.testing.RedisStores;
import dev.marquee.testing.TcpProxy;
import dev.marquee.testing.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisRateLimiterTest extends RateLimiterContract {
  private final RedisStores redis = new RedisStores();

  @Override
  protected RateLimiter create(Clock clock) {
    return RateLimiter.redis(redis.open(), clock);
  }

  private RedisStore store() {
    return redis.first();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Test
  void logsFollowTheDocumentedSchema() {
    RedisKeys keys = store().keys();
    acquire(controller("c-1", 5), ip("10.0.0.1", 5));
    long now = clock.millis();

    String log = keys.prefix() + ":rl:controller:c-1";
    Response members = await(store().send(Command.ZRANGE, log, 0, -1, "WITHSCORES"));
    var admissions = Replies.pairs(members);
    assertThat(admissions).hasSize(1);
    assertThat(admissions.get(0).getKey()).matches(now + "-[0-9a-f]+");
    assertThat(admissions.get(0).getValue().toLong()).isEqualTo(now);
    assertThat(exists(keys.prefix() + ":rl:ip:10.0.0.1")).isTrue();
  }

  @Test
  void everyKeyWrittenExpiresExceptTheStatsHash() {
    acquire(controller("c-1", 1), ip("10.0.0.1", 1));
    acquire(controller("c-1", 1), ip("10.0.0.1", 1));
    acquire(ip("10.0.0.1", 1));

    RedisKeys keys = store().keys();
    List<String> written = scan(keys.all());
    assertThat(written)
        .containsExactlyInAnyOrder(
            keys.rateLimit("controller", "c-1"),
            keys.rateLimit("ip", "10.0.0.1"),
            keys.rateLimitStats(),
            keys.rateLimitTop());
    for (String key : written) {
      long ttl = await(store().send(Command.PTTL, key)).toLong();
      if (key.equals(keys.rateLimitStats())) {
        assertThat(ttl).as("ttl of %s", key).isEqualTo(-1);
      } else {
        assertThat(ttl).as("ttl of %s", key).isPositive();
      }
    }
    assertThat(await(store().send(Command.PTTL, keys.rateLimit("controller", "c-1"))).toLong())
        .isLessThanOrEqualTo(MINUTE.toMillis());
  }

  @Test
  void checkWritesNothing() {
    await(limiter.check(controller("c-1", 1)));

    assertThat(scan(store().keys().all())).isEmpty();
  }

  @Test
  void acquireIsOneScriptCall() throws Exception {
    acquire(controller("c-0", 5)); // loads the script if this server has never seen it
    String marker = store().keys().prefix() + ":marker";

    try (RedisMonitor monitor = RedisMonitor.watch(store().keys().prefix())) {
      acquire(controller("c-1", 1), ip("10.0.0.1", 1));
      acquire(controller("c-1", 1), ip("10.0.0.1", 1));
      await(store().send(Command.EXISTS, marker));

      assertThat(monitor.clientCommandsUntil(marker)).containsExactly("evalsha", "evalsha");
    }
  }

  @Test
  void futuresFailWhenRedisIsUnreachable() throws Exception {
    URI target = URI.create(TestRedis.URL);
    try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort())) {
      String prefix = TestRedis.uniquePrefix();
      redis.open(prefix); // a direct way in, to clean up afterwards
      RedisStore viaProxy =
          redis.closeLater(
              RedisStore.create(
                  redis.vertx(), RedisUrl.parse("redis://127.0.0.1:" + proxy.port()), prefix));
      RateLimiter limits = RateLimiter.redis(viaProxy, clock);
      assertThat(await(limits.acquire(List.of(controller("c-1", 1)))).allowed()).isTrue();

      proxy.cut();

      assertThat(awaitFailure(limits.acquire(List.of(controller("c-1", 1))))).isNotNull();
      assertThat(awaitFailure(limits.check(controller("c-1", 1)))).isNotNull();
      proxy.restore();
      assertThat(await(limits.acquire(List.of(controller("c-1", 1)))))
          .isEqualTo(refusedBy(CONTROLLER, MINUTE.toMillis()));
    }
  }

  @Test
  void refusalsSurviveInTheStatsOfAnotherInstance() {
    acquire(ip("10.0.0.1", 1));
    acquire(ip("10.0.0.1", 1));

    RateLimiter other = RateLimiter.redis(store(), clock);
    assertThat(await(other.stats(5)).refusalsByKind().get(IP)).isEqualTo(1);
    assertThat(await(other.acquire(List.of(ip("10.0.0.1", 1)))).allowed()).isFalse();
  }

  private boolean exists(String key) {
    return await(store().send(Command.EXISTS, key)).toInteger() == 1;
  }

  private List<String> scan(String pattern) {
    List<String> out = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = await(store().send(Command.SCAN, cursor, "MATCH", pattern, "COUNT", "1000"));
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> out.add(k.toString()));
    } while (!"0".equals(cursor));
    return out;
  }
}
