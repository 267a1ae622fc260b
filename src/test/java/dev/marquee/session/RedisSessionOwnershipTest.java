package dev.marquee.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Session ownership on the Redis engine, on the machine's Redis, and across two instances. */
class RedisSessionOwnershipTest extends SessionOwnershipContract {
  @Override
  Map<String, String> engineEnv() {
    return TestRedis.engineEnv();
  }

  @Test
  void anotherInstanceListsAndEndsTheSessionForItsCreator() {
    String jwt = token(UUID.randomUUID(), "Hal");
    String code = new JsonObject(server.post("/api/session", "{}", jwt).body()).getString("code");
    // Same database, Redis and prefix: the second instance of one deployment.
    TestServer other = TestServer.start(server.env());
    try (WsClient display = server.ws()) {
      display.join(code, "display", "TV");
      JsonObject listed = mySessions(other, jwt);
      assertThat(listed.getJsonArray("sessions").getJsonObject(0).getString("code"))
          .isEqualTo(code);
      assertThat(listed.getJsonArray("sessions").getJsonObject(0).getBoolean("live")).isTrue();
      assertThat(other.delete("/api/session/" + code, token(UUID.randomUUID(), "X")).statusCode())
          .isEqualTo(403);
      assertThat(other.delete("/api/session/" + code, jwt).statusCode()).isEqualTo(200);
      assertThat(display.next("ended").getString("reason")).isEqualTo("closed");
      assertThat(
              mySessions(server, jwt)
                  .getJsonArray("sessions")
                  .getJsonObject(0)
                  .getString("endReason"))
          .isEqualTo("closed");
    } finally {
      // Not close(): that would clean the Redis prefix the first instance still uses.
      other.stop();
    }
  }

  static JsonObject mySessions(TestServer on, String jwt) {
    var r = on.get("/api/me/sessions", jwt);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
