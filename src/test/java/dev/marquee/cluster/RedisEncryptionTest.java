package dev.marquee.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.Await;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With REDIS_ENCRYPTION_KEY, nothing users wrote is readable in Redis, yet everything works across
 * instances, and a rotated key still reads what the old one sealed.
 */
class RedisEncryptionTest {
  static final String TEXT = "the secret plan for Friday";
  static final String NAME = "Agent Zebra";
  static final String TITLE = "Board meeting";

  static String key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void nothingUsersWroteIsReadableInRedisAndInstancesStillAgree() {
    String oldKey = key();
    String newKey = key();
    DatabaseUrl db = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>(TestRedis.engineEnv());
    env.put("DATABASE_URL", TestPostgres.uri(db));
    Map<String, String> oldEnv = new HashMap<>(env);
    oldEnv.put("REDIS_ENCRYPTION_KEY", oldKey);
    Map<String, String> rotatedEnv = new HashMap<>(env);
    rotatedEnv.put("REDIS_ENCRYPTION_KEY", newKey + "," + oldKey);
    try (TestServer before = TestServer.start(oldEnv);
        TestServer after = TestServer.start(rotatedEnv)) {
      String code =
          new JsonObject(before.post("/api/session", "{\"title\":\"" + TITLE + "\"}").body())
              .getString("code");
      try (WsClient display = after.ws();
          WsClient controller = before.ws()) {
        display.join(code, "display", "Lobby TV");
        controller.join(code, "controller", NAME);
        controller.send(new JsonObject().put("type", "send").put("text", TEXT));
        controller.next("ack");
        JsonObject m = display.next("message");
        assertThat(m.getString("text")).isEqualTo(TEXT);
        assertThat(m.getJsonObject("from").getString("name")).isEqualTo(NAME);
        assertThat(display.next("presence").getJsonObject("user").getString("name"))
            .isEqualTo(NAME);
      }
      assertThat(new JsonObject(after.get("/api/session/" + code).body()).getString("title"))
          .isEqualTo(TITLE);
      JsonObject history =
          new JsonObject(after.get("/api/session/" + code + "/history/latest").body());
      assertThat(history.getJsonArray("messages").getJsonObject(0).getString("text"))
          .isEqualTo(TEXT);

      String everything = dump(env.get("REDIS_KEY_PREFIX"));
      assertThat(everything).contains("~1:").doesNotContain(TEXT).doesNotContain("secret");
      assertThat(everything).doesNotContain(NAME).doesNotContain(TITLE);
    } finally {
      TestPostgres.drop(db);
    }
  }

  /** Every key of the prefix with every value, as one text. */
  private static String dump(String prefix) {
    Vertx vertx = Vertx.vertx();
    try {
      RedisStore store = TestRedis.store(vertx, prefix);
      StringBuilder out = new StringBuilder();
      Response keys = Await.await(store.send(Command.KEYS, prefix + ":*"));
      for (Response k : keys) {
        String key = k.toString();
        String type = Await.await(store.send(Command.TYPE, key)).toString();
        Response value =
            switch (type) {
              case "string" -> Await.await(store.send(Command.GET, key));
              case "list" -> Await.await(store.send(Command.LRANGE, key, "0", "-1"));
              case "hash" -> Await.await(store.send(Command.HGETALL, key));
              case "zset" -> Await.await(store.send(Command.ZRANGE, key, "0", "-1"));
              case "stream" -> Await.await(store.send(Command.XRANGE, key, "-", "+"));
              default -> null;
            };
        out.append(key).append(" => ").append(value).append('\n');
      }
      Await.await(store.close());
      return out.toString();
    } finally {
      vertx.close();
    }
  }
}
