package dev.marquee.session;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.store.RedisStore;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.Race;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the machine's Redis, plus what only a shared store can show. */
class RedisSessionStoreTest extends SessionStoreContract {
  Vertx vertx;
  RedisStore redis;
  final MutableClock clock = new MutableClock(CREATED);

  /** False runs every test the way a cluster does: index commands beside the scripts. */
  boolean indexInScripts() {
    return true;
  }

  @Override
  protected SessionStore create() {
    vertx = Vertx.vertx();
    redis = TestRedis.markEngineIntact(TestRedis.store(vertx));
    return instance();
  }

  /** Another instance on the same Redis and prefix. */
  SessionStore instance() {
    return new RedisSessionStore(redis, clock, indexInScripts());
  }

  @AfterEach
  void cleanUp() {
    if (redis != null) {
      TestRedis.clean(redis);
      await(redis.close());
    }
    await(vertx.close());
  }

  Map<String, String> hash(String code) {
    return RedisSessionStore.fields(await(redis.send(Command.HGETALL, redis.keys().session(code))));
  }

  @Test
  void hashHoldsTheDocumentedFieldsAndAnyTitle() {
    String title = "Ünïcode \"quotes\"\nnew line, 🎉 and a | bar";
    SessionState s =
        new SessionState(
            "K7QX2M",
            title,
            CREATED,
            CREATED.plus(Duration.ofHours(24)),
            CREATED.plusSeconds(1),
            7,
            "e-1",
            null,
            null,
            null);
    await(store.put(s));

    assertThat(hash("K7QX2M"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "title",
                title,
                "createdAt",
                Long.toString(CREATED.toEpochMilli()),
                "expiresAt",
                Long.toString(s.expiresAt().toEpochMilli()),
                "lastActivityAt",
                Long.toString(CREATED.plusSeconds(1).toEpochMilli()),
                "lastSeq",
                "7",
                "epoch",
                "e-1",
                "warnedFor",
                ""));
    assertThat(await(store.find("K7QX2M"))).contains(s);
  }

  @Test
  void hashExpiresAnHourAfterTheSessionsLifetimeOnTheEnginesClock() {
    await(store.put(fresh("K7QX2M")));
    long expected = Duration.ofHours(25).toMillis();

    long pttl = await(redis.send(Command.PTTL, redis.keys().session("K7QX2M"))).toLong();
    assertThat(pttl).isBetween(expected - 5_000, expected);
  }

  @Test
  void theGateExpiresWithTheSessionWhicheverChangeMadeIt() {
    SessionState a = fresh("AAAAAA");
    SessionState b = fresh("BBBBBB");
    SessionState c = fresh("CCCCCC");
    for (SessionState s : List.of(a, b, c)) {
      await(store.put(s));
    }
    await(store.admit(a, "alice", true, CREATED));
    await(store.lock(b, true));
    await(store.kick(c, "alice", CREATED.plusSeconds(600)));
    long expected = Duration.ofHours(25).toMillis();

    for (SessionState s : List.of(a, b, c)) {
      long pttl = await(redis.send(Command.PTTL, redis.keys().gate(s.code()))).toLong();
      assertThat(pttl).as(s.code()).isBetween(expected - 5_000, expected);
    }
  }

  @Test
  void onlyTheLiveIndexHasNoExpiry() {
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));
    await(store.advance("AAAAAA", CREATED.plusSeconds(1)));
    await(store.markWarned("BBBBBB", CREATED));
    await(store.end("BBBBBB", EndReason.CLOSED, CREATED.plusSeconds(2)));
    await(store.live());

    Response keys = await(redis.send(Command.KEYS, redis.keys().all()));
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(k.toString()));
    // The engine markers never expire either, on purpose: they are not the session store's.
    names.removeAll(new dev.marquee.store.EngineMarkers(redis).keys());
    assertThat(names)
        .containsExactlyInAnyOrder(redis.keys().session("AAAAAA"), redis.keys().liveSessions());
    for (String name : names) {
      long pttl = await(redis.send(Command.PTTL, name)).toLong();
      if (name.equals(redis.keys().liveSessions())) {
        assertThat(pttl).as(name).isEqualTo(-1);
      } else {
        assertThat(pttl).as(name).isPositive();
      }
    }
  }

  @Test
  void sessionsPutByOneInstanceAreLiveOnAnother() {
    SessionStore other = instance();
    await(store.put(fresh("AAAAAA")));

    assertThat(await(other.find("AAAAAA"))).contains(fresh("AAAAAA"));
    assertThat(await(other.live())).extracting(SessionState::code).containsExactly("AAAAAA");
    assertThat(other.liveCount()).isEqualTo(1);
  }

  @Test
  void liveCountCatchesUpWithOtherInstancesWithoutALiveCall() {
    SessionStore other = instance();
    other.liveCount();
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));

    Eventually.until(Duration.ofSeconds(5), () -> other.liveCount() == 2, "a count of 2");
  }

  @Test
  void seqsStayGaplessAcrossInstances() {
    await(store.put(fresh("K7QX2M")));
    List<SessionStore> instances = List.of(store, instance(), instance(), instance());

    List<List<Long>> seqs =
        Race.run(
            4,
            i -> {
              List<Long> mine = new ArrayList<>();
              for (int n = 0; n < 100; n++) {
                mine.add(await(instances.get(i).advance("K7QX2M", CREATED)).lastSeq());
              }
              return mine;
            });

    assertThat(seqs.stream().flatMap(List::stream).sorted())
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 400).boxed().toList());
  }

  @Test
  void endIsOnceAcrossInstances() {
    await(store.put(fresh("K7QX2M")));
    List<SessionStore> instances = List.of(store, instance(), instance(), instance());

    List<Optional<SessionState>> ends =
        Race.run(4, i -> await(instances.get(i).end("K7QX2M", EndReason.CLOSED, CREATED)));

    assertThat(ends.stream().filter(Optional::isPresent)).hasSize(1);
    assertThat(await(instance().live())).isEmpty();
  }

  @Test
  void seqsAndActivityWrittenByTheIntakeScriptAreSeen() {
    await(store.put(fresh("K7QX2M")));
    String key = redis.keys().session("K7QX2M");
    // What the message intake script does to the same hash.
    await(redis.send(Command.HINCRBY, key, SessionHash.LAST_SEQ, "5"));
    await(
        redis.send(
            Command.HSET,
            key,
            SessionHash.LAST_ACTIVITY_AT,
            Long.toString(CREATED.plusSeconds(9).toEpochMilli())));

    assertThat(await(store.find("K7QX2M")).orElseThrow().lastActivityAt())
        .isEqualTo(CREATED.plusSeconds(9));
    assertThat(await(store.advance("K7QX2M", CREATED.plusSeconds(10))).lastSeq()).isEqualTo(6);
  }

  @Test
  void liveDropsIndexEntriesWhoseHashIsGone() {
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));
    await(redis.send(Command.DEL, redis.keys().session("AAAAAA")));

    assertThat(await(store.live())).extracting(SessionState::code).containsExactly("BBBBBB");
    assertThat(store.liveCount()).isEqualTo(1);
    assertThat(await(redis.send(Command.ZRANGE, redis.keys().liveSessions(), "0", "-1")))
        .extracting(Object::toString)
        .containsExactly("BBBBBB");
  }
}
