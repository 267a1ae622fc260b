package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.RedisUrl;
import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Commands on a cluster while a master goes away and comes back: each one completes (fails fast
 * while the node is away), and once it is back they all succeed again. The cluster is the test's
 * own, since it kills a node.
 */
class ClusterLinkTest {

  @Test
  void aMasterAwayUnderTrafficLeavesNoCommandHangingAndAllWorkOnceItIsBack() throws Exception {
    try (ChildCluster cluster = ChildCluster.start()) {
      Vertx vertx = Vertx.vertx();
      RedisStore store =
          RedisStore.create(vertx, RedisUrl.parse(cluster.url()), TestRedis.uniquePrefix());
      try {
        assertThat(round(store)).isEqualTo(30);
        ChildRedis node = cluster.nodes().get(0);
        List<Future<?>> during = new CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicInteger answeredSinceRestart = new AtomicInteger();
        long traffic =
            vertx.setPeriodic(
                5,
                id -> {
                  boolean afterRestart = restarted.get();
                  for (int i = 0; i < 10; i++) {
                    Future<?> f = store.send(Command.EXISTS, store.keys().session("S" + i));
                    f.onComplete(
                        ar -> {
                          if (ar.failed()) {
                            failed.incrementAndGet();
                          }
                          if (afterRestart) {
                            answeredSinceRestart.incrementAndGet();
                          }
                        });
                    during.add(f);
                  }
                });
        node.kill();
        Eventually.until(
            Duration.ofSeconds(10), () -> failed.get() > 0, "commands to the dead master fail");
        node.restart();
        restarted.set(true);
        Eventually.until(
            Duration.ofSeconds(10),
            () -> answeredSinceRestart.get() >= 30,
            "three rounds answered while the node rejoins");
        vertx.cancelTimer(traffic);
        cluster.awaitOk();

        await(Future.join(during).otherwiseEmpty());
        assertThat(round(store)).as("once the node is back").isEqualTo(30);
      } finally {
        await(store.close());
        await(vertx.close());
      }
    }
  }

  /** How many of 30 commands, one per session slot, succeed. */
  private static int round(RedisStore store) throws Exception {
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sent.add(store.send(Command.EXISTS, store.keys().session("S" + i)));
    }
    await(Future.join(sent).otherwiseEmpty());
    return (int) sent.stream().filter(Future::succeeded).count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    // Longer than a cluster client's retries on CLUSTERDOWN, so "hanging" means hanging.
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
