package dev.marquee.bus;

import static dev.marquee.testing.Await.await;
import static dev.marquee.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.bus.RoomBusContract.Inbox;
import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The subscriber connection against a Redis of the test's own that dies, comes back or hangs. */
@Timeout(60)
class RedisRoomBusOutageTest {
  ChildRedis redis;
  Vertx vertx;
  RedisStore store;

  @BeforeEach
  void start() {
    redis = ChildRedis.start();
    vertx = Vertx.vertx();
    store = RedisStore.create(vertx, RedisUrl.parse(redis.url()), TestRedis.uniquePrefix());
  }

  @AfterEach
  void stop() {
    try {
      await(store.close());
      await(vertx.close());
    } finally {
      redis.close();
    }
  }

  @Test
  void afterRedisRestartsTheBusSubscribesAgainAndHearsNewEvents() {
    RedisRoomBus bus = (RedisRoomBus) RoomBus.redis(store);
    try {
      Inbox a = subscribe(bus, "AAAAAA");
      Inbox b = subscribe(bus, "BBBBBB");
      await(bus.publish(RoomBusContract.message("AAAAAA", 1)));
      assertThat(a.next()).isEqualTo(RoomBusContract.message("AAAAAA", 1));
      assertThat(bus.healthy()).isTrue();

      redis.kill();
      Eventually.until(Duration.ofSeconds(5), () -> !bus.healthy(), "the bus to notice");
      redis.restart();
      long back = System.nanoTime();

      // Published while the bus is still reconnecting, an event is lost; keep publishing until
      // one arrives, which must happen within 10 s of Redis being back.
      RoomEvent heard = null;
      for (int seq = 2; heard == null; seq++) {
        assertThat(System.nanoTime() - back).isLessThan(Duration.ofSeconds(10).toNanos());
        bus.publish(RoomBusContract.message("BBBBBB", seq)).otherwiseEmpty();
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        heard = b.drained().stream().findFirst().orElse(null);
      }
      assertThat(bus.healthy()).isTrue();
      await(bus.publish(RoomBusContract.sentinel("AAAAAA")));
      assertThat(a.next()).isEqualTo(RoomBusContract.sentinel("AAAAAA"));
    } finally {
      await(bus.close());
    }
  }

  @Test
  void aServerThatStopsAnsweringIsNoticedAndLeftForAFreshConnection() {
    RedisRoomBus bus =
        new RedisRoomBus(store, new RedisRoomBus.Timings(50, 200, 500, 5_000, 200, 500));
    try {
      Inbox a = subscribe(bus, "AAAAAA");
      assertThat(bus.healthy()).isTrue();

      redis.freeze();
      Eventually.until(Duration.ofSeconds(5), () -> !bus.healthy(), "the heartbeat to fail");
      redis.thaw();
      Eventually.until(Duration.ofSeconds(10), bus::healthy, "the bus to recover");

      await(bus.publish(RoomBusContract.message("AAAAAA", 1)));
      assertThat(a.next()).isEqualTo(RoomBusContract.message("AAAAAA", 1));
      assertThat(redis.subscribers(store.keys().room("AAAAAA"))).isEqualTo(1);
    } finally {
      await(bus.close());
    }
  }

  @Test
  void aSubscribeDuringAnOutageCompletesWhenRedisIsBackOrFailsLeavingNothing() {
    RedisRoomBus bus =
        new RedisRoomBus(store, new RedisRoomBus.Timings(50, 200, 500, 2_000, 200, 500));
    try {
      subscribe(bus, "AAAAAA");
      redis.kill();
      Eventually.until(Duration.ofSeconds(5), () -> !bus.healthy(), "the bus to notice");

      Throwable doomed = awaitFailure(bus.subscribe("CCCCCC", new Inbox()));
      assertThat(doomed).isInstanceOf(TimeoutException.class);
      Inbox patient = new Inbox();
      Future<RoomBus.Subscription> waiting = bus.subscribe("DDDDDD", patient);
      redis.restart();
      await(waiting);

      // AAAAAA was subscribed again by the same SUBSCRIBE; its confirmation may come second.
      Eventually.until(Duration.ofSeconds(1), bus::healthy, "every channel to be back");
      await(bus.publish(RoomBusContract.message("DDDDDD", 1)));
      assertThat(patient.next()).isEqualTo(RoomBusContract.message("DDDDDD", 1));
      assertThat(redis.subscribers(store.keys().room("CCCCCC"))).isZero();
      assertThat(redis.subscribers(store.keys().room("AAAAAA"))).isEqualTo(1);
    } finally {
      await(bus.close());
    }
  }

  private static Inbox subscribe(RoomBus bus, String session) {
    Inbox inbox = new Inbox();
    await(bus.subscribe(session, inbox));
    return inbox;
  }
}
