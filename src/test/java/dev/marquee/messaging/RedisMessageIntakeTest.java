package dev.marquee.messaging;

import static dev.marquee.testing.Await.await;

import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-script intake on the machine's Redis, observed with raw commands: the session hash, the
 * history list and the room channel, in the formats of docs/redis.md.
 */
class RedisMessageIntakeTest extends MessageIntakeContract {
  RedisStore store;

  /** The Redis the intake runs on. */
  String url() {
    return TestRedis.URL;
  }

  @Override
  protected Fixture create() throws Exception {
    Vertx vertx = Vertx.vertx();
    RedisStore store =
        TestRedis.markEngineIntact(TestRedis.store(vertx, url(), TestRedis.uniquePrefix()));
    this.store = store;
    RedisKeys keys = store.keys();
    MessageIntake intake = MessageIntake.redis(clock, LIMITS, store, () -> 0L);
    Map<String, List<Long>> published = new ConcurrentHashMap<>();
    RedisConnection subscriber = await(store.connectDedicated());
    subscriber.handler(
        push -> {
          if (push.size() == 3 && "message".equals(push.get(0).toString())) {
            JsonObject event = new JsonObject(push.get(2).toString());
            String code = event.getJsonObject("message").getString("session");
            published
                .computeIfAbsent(code, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(event.getJsonObject("message").getLong("seq"));
          }
        });
    return new Fixture() {
      @Override
      public MessageIntake intake() {
        return intake;
      }

      @Override
      public void createSession(String code) {
        long now = clock.millis();
        await(
            store.send(
                Command.HSET,
                keys.session(code),
                "title",
                "",
                "createdAt",
                Long.toString(now),
                "expiresAt",
                Long.toString(now + 86_400_000),
                "lastActivityAt",
                Long.toString(now),
                "lastSeq",
                "0",
                "epoch",
                "e",
                "warnedFor",
                ""));
        await(subscriber.send(Request.cmd(Command.SUBSCRIBE, keys.room(code))));
      }

      @Override
      public void endSession(String code) {
        await(store.send(Command.DEL, keys.session(code)));
      }

      @Override
      public List<Long> published(String code) {
        return new ArrayList<>(published.getOrDefault(code, List.of()));
      }

      @Override
      public List<Long> history(String code) {
        Response list = await(store.send(Command.LRANGE, keys.history(code), "0", "-1"));
        List<Long> seqs = new ArrayList<>();
        for (int i = list.size() - 1; i >= 0; i--) {
          seqs.add(new JsonObject(list.get(i).toString()).getLong("seq"));
        }
        return seqs;
      }

      @Override
      public long lastSeq(String code) {
        Response seq = await(store.send(Command.HGET, keys.session(code), "lastSeq"));
        return seq == null ? -1 : seq.toLong();
      }

      @Override
      public void close() {
        subscriber.close();
        TestRedis.clean(store);
        await(store.close());
        await(vertx.close());
      }
    };
  }
}
