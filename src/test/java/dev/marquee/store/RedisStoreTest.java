package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisStoreTest {
  Vertx vertx;
  RedisStore store;

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    store = TestRedis.store(vertx);
  }

  @AfterEach
  void cleanUp() throws Exception {
    TestRedis.clean(store);
    await(store.close());
    await(vertx.close());
  }

  @Test
  void aScriptRedisHasNeverSeenIsLoadedOnFirstUseThenRunByItsHash() throws Exception {
    // A body no server has seen before, so the first EVALSHA must answer NOSCRIPT.
    RedisScript script =
        RedisScript.of(
            "echo", "-- " + UUID.randomUUID() + "\nreturn redis.call('SET', KEYS[1], ARGV[1])");
    String key = store.keys().prefix() + ":echo";
    await(store.eval(script, List.of(key), List.of("one")));
    assertThat(await(store.send(Command.GET, key)).toString()).isEqualTo("one");
    assertThat(await(store.send(Command.SCRIPT, "EXISTS", script.sha1())).get(0).toInteger())
        .isEqualTo(1);
    await(store.eval(script, List.of(key), List.of("two")));
    assertThat(await(store.send(Command.GET, key)).toString()).isEqualTo("two");
  }

  @Test
  void pingAnswersAndKeysCarryThePrefixAndSessionHashTags() throws Exception {
    await(store.ping(Duration.ofSeconds(1)));
    RedisKeys keys = store.keys();
    assertThat(keys.session("K7QX2M")).isEqualTo(keys.prefix() + ":session:{K7QX2M}");
    assertThat(keys.history("K7QX2M")).endsWith("{K7QX2M}");
    assertThat(keys.room("K7QX2M")).startsWith(keys.prefix() + ":");
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
