package dev.marquee.bus;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.RedisUrl;
import dev.marquee.history.StoredMessage;
import dev.marquee.presence.Role;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.TcpProxy;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisRoomBusTest extends RoomBusContract {
  private final List<Runnable> cleanup = new ArrayList<>();
  private RedisStore store;

  @Override
  protected RoomBus create() {
    String prefix = TestRedis.uniquePrefix();
    store = instance(prefix);
    return RoomBus.redis(store);
  }

  /** A store as one more instance would have it: its own Vert.x, the same prefix. */
  private RedisStore instance(String prefix) {
    Vertx vertx = Vertx.vertx();
    RedisStore instance = TestRedis.store(vertx, prefix);
    cleanup.add(
        0,
        () -> {
          TestRedis.clean(instance);
          await(instance.close());
          await(vertx.close());
        });
    return instance;
  }

  @AfterEach
  void closeEverything() {
    await(bus.close());
    cleanup.forEach(Runnable::run);
  }

  @Test
  void twoInstancesHearEachOthersEventsInOrder() {
    RoomBus other = RoomBus.redis(instance(store.keys().prefix()));
    try {
      Inbox here = subscribe("AAAAAA");
      Inbox there = new Inbox();
      await(other.subscribe("AAAAAA", there));
      List<RoomEvent> sent = new ArrayList<>();
      for (int seq = 1; seq <= 40; seq++) {
        RoomEvent event = message("AAAAAA", seq);
        sent.add(event);
        await((seq % 2 == 0 ? bus : other).publish(event));
      }

      assertThat(here.next(40)).containsExactlyElementsOf(sent);
      assertThat(there.next(40)).containsExactlyElementsOf(sent);
    } finally {
      await(other.close());
    }
  }

  @Test
  void aSubscribeCompletesOnlyOnceRedisHasSubscribed() throws IOException {
    // This bus reaches Redis over a slow link, the publisher over a fast one: a subscribe that
    // completed once its SUBSCRIBE was written, not confirmed, would let the PUBLISH overtake it.
    // PUBLISH answers how many subscribers received the message.
    RedisUrl direct = RedisUrl.parse(TestRedis.URL);
    String[] server = direct.hosts().get(0).split(":");
    try (TcpProxy slow = new TcpProxy(server[0], Integer.parseInt(server[1]))) {
      slow.delayToServer(Duration.ofMillis(50));
      RedisUrl proxied =
          new RedisUrl(
              direct.mode(),
              direct.tls(),
              List.of("127.0.0.1:" + slow.port()),
              direct.user(),
              direct.password(),
              direct.database(),
              direct.masterName());
      Vertx vertx = Vertx.vertx();
      RedisStore far = RedisStore.create(vertx, proxied, store.keys().prefix());
      RoomBus farBus = RoomBus.redis(far);
      try {
        for (int i = 0; i < 5; i++) {
          String session = "S" + (100_000 + i);
          Inbox inbox = new Inbox();
          await(farBus.subscribe(session, inbox));
          String payload = RoomEventJson.encode(sentinel(session), System.currentTimeMillis());
          long receivers =
              await(store.send(Command.PUBLISH, store.keys().room(session), payload)).toLong();

          assertThat(receivers).as("receivers of %s", session).isEqualTo(1);
          assertThat(inbox.next()).isEqualTo(sentinel(session));
        }
      } finally {
        await(farBus.close());
        await(far.close());
        await(vertx.close());
      }
    }
  }

  @Test
  void eventsPublishedByOthersInTheDocumentedFormatAreDecoded() {
    Inbox inbox = subscribe("K7QX2M");
    long at = System.currentTimeMillis();
    // As the accept-message Lua script writes them (cjson escapes '/').
    List<String> payloads =
        List.of(
            "{\"kind\":\"message\",\"message\":{\"session\":\"K7QX2M\",\"seq\":7,"
                + "\"ts\":1764161234567,\"from\":{\"clientId\":\"c-9\",\"name\":\"Zo\u00eb\","
                + "\"role\":\"controller\"},\"text\":\"caf\u00e9 \\/ \u2713\"},\"at\":"
                + at
                + "}",
            "{\"kind\":\"presence\",\"event\":\"join\",\"clientId\":\"c-2\",\"name\":\"Bob\","
                + "\"role\":\"display\",\"controllers\":1,\"displays\":2,\"at\":"
                + at
                + "}",
            "{\"kind\":\"warning\",\"endsAt\":1764162000000,\"endsInMs\":300000,\"at\":" + at + "}",
            "{\"kind\":\"ended\",\"reason\":\"inactive\",\"at\":" + at + "}");
    for (String payload : payloads) {
      await(store.send(Command.PUBLISH, store.keys().room("K7QX2M"), payload));
    }

    assertThat(inbox.next(4))
        .containsExactly(
            new RoomEvent.Message(
                new StoredMessage(
                    "K7QX2M",
                    7,
                    1_764_161_234_567L,
                    "c-9",
                    "Zo\u00eb",
                    Role.CONTROLLER,
                    "caf\u00e9 / \u2713"),
                0),
            new RoomEvent.Presence("K7QX2M", "join", "c-2", "Bob", "display", 1, 2, null),
            new RoomEvent.Warning("K7QX2M", Instant.ofEpochMilli(1_764_162_000_000L), 300_000),
            new RoomEvent.Ended("K7QX2M", "inactive"));
  }

  @Test
  void anUndecodablePayloadIsDroppedAndWhatFollowsStillArrives() {
    Inbox inbox = subscribe("AAAAAA");
    String channel = store.keys().room("AAAAAA");
    await(store.send(Command.PUBLISH, channel, "not json"));
    await(store.send(Command.PUBLISH, channel, "{\"kind\":\"fireworks\",\"at\":1}"));
    String otherSession = RoomEventJson.encode(message("BBBBBB", 1), System.currentTimeMillis());
    await(store.send(Command.PUBLISH, channel, otherSession));
    publish(message("AAAAAA", 1));

    assertThat(inbox.next()).isEqualTo(message("AAAAAA", 1));
    assertThat(inbox.drained()).isEmpty();
  }

  @Test
  void theBusIsHealthyOnceConnectedAndNotAfterClosing() {
    RedisRoomBus redis = (RedisRoomBus) bus;
    subscribe("AAAAAA");
    assertThat(redis.healthy()).isTrue();

    await(redis.close());
    assertThat(redis.healthy()).isFalse();
  }
}
