package dev.marquee.bus;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.bus.RoomBusContract.Inbox;
import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bus on a three-node Redis Cluster (the shared {@link ChildCluster}): a PUBLISH on any node
 * reaches subscribers on every node, so one subscriber connection to one node is enough, provided
 * every (UN)SUBSCRIBE goes to that same node.
 */
@Timeout(60)
class RedisRoomBusClusterTest {
  final ChildCluster cluster = ChildCluster.shared();
  final List<Runnable> cleanup = new ArrayList<>();

  @AfterEach
  void stop() {
    cleanup.forEach(Runnable::run);
  }

  @Test
  void subscriptionsLandOnOneNodeHearEveryNodeAndLeaveWhenCancelled() {
    String prefix = TestRedis.uniquePrefix();
    RoomBus here = bus(prefix);
    RoomBus there = bus(prefix);
    List<String> sessions = List.of("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF");
    List<Inbox> inboxes = new ArrayList<>();
    List<RoomBus.Subscription> subscriptions = new ArrayList<>();
    for (String session : sessions) {
      Inbox inbox = new Inbox();
      subscriptions.add(await(here.subscribe(session, inbox)));
      inboxes.add(inbox);
      assertThat(subscribers(prefix, session)).as("subscribers of %s", session).isEqualTo(1);
    }

    for (String session : sessions) {
      await(there.publish(RoomBusContract.message(session, 1)));
      await(there.publish(RoomBusContract.sentinel(session)));
    }
    for (int i = 0; i < sessions.size(); i++) {
      String session = sessions.get(i);
      assertThat(inboxes.get(i).next(2))
          .containsExactly(RoomBusContract.message(session, 1), RoomBusContract.sentinel(session));
      assertThat(inboxes.get(i).drained()).isEmpty();
    }

    subscriptions.forEach(s -> await(s.cancel()));
    for (String session : sessions) {
      Eventually.until(
          Duration.ofSeconds(5), () -> subscribers(prefix, session) == 0, session + " left");
    }
    assertThat(here.healthy()).isTrue();
  }

  @Test
  void aSessionCancelledAndSubscribedAgainAtOnceHearsItsEvents() {
    String prefix = TestRedis.uniquePrefix();
    RoomBus bus = bus(prefix);
    for (int round = 1; round <= 5; round++) {
      await(await(bus.subscribe("AAAAAA", new Inbox())).cancel());
      Inbox again = new Inbox();
      RoomBus.Subscription subscription = await(bus.subscribe("AAAAAA", again));
      assertThat(subscribers(prefix, "AAAAAA")).isEqualTo(1);

      await(bus.publish(RoomBusContract.message("AAAAAA", round)));
      assertThat(again.next()).isEqualTo(RoomBusContract.message("AAAAAA", round));
      await(subscription.cancel());
    }
    Eventually.until(Duration.ofSeconds(5), () -> subscribers(prefix, "AAAAAA") == 0, "left");
  }

  private RoomBus bus(String prefix) {
    Vertx vertx = Vertx.vertx();
    RedisStore store = RedisStore.create(vertx, RedisUrl.parse(cluster.url()), prefix);
    RoomBus bus = RoomBus.redis(store);
    cleanup.add(
        () -> {
          await(bus.close());
          await(store.close());
          await(vertx.close());
        });
    return bus;
  }

  private long subscribers(String prefix, String session) {
    String channel = prefix + ":room:{" + session + "}";
    return cluster.nodes().stream().mapToLong(n -> n.subscribers(channel)).sum();
  }
}
