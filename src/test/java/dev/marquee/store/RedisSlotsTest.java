package dev.marquee.store;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.RedisStores;
import io.vertx.redis.client.Command;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot function agrees with a real cluster's {@code CLUSTER KEYSLOT}. */
class RedisSlotsTest {

  @Test
  void slotsAreTheClustersAndTagsLandWhereAsked() {
    try (RedisStores redis = new RedisStores(ChildCluster.shared().url())) {
      RedisStore store = redis.open();
      List<String> keys =
          List.of(
              "marquee:session:{K7QX2M}",
              "marquee:outbox:sessions",
              "plain",
              "a{}b{c}",
              "{}{x}",
              "x{y",
              "caf\u00e9:{\u2713}",
              "");
      for (String key : keys) {
        long slot = await(store.send(Command.CLUSTER, "KEYSLOT", key)).toLong();
        assertThat(RedisSlots.of(key)).as(key).isEqualTo(slot);
      }
      for (int slot : List.of(0, 1024, 8192, 16383)) {
        String key = "m:{" + RedisSlots.tagFor(slot) + "}";
        assertThat(await(store.send(Command.CLUSTER, "KEYSLOT", key)).toLong()).isEqualTo(slot);
      }
    }
  }
}
