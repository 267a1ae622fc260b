package dev.marquee.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.messaging.CloseCodes;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/** The owner's lock and kick as a client makes them, and what a kicked member sees. */
public final class Moderation {
  private Moderation() {}

  public static String path(String code, String action) {
    return "/api/session/" + code + "/" + action;
  }

  public static HttpResponse<String> lock(
      TestServer server, String code, boolean locked, String bearer) {
    return server.post(path(code, "lock"), new JsonObject().put("locked", locked).encode(), bearer);
  }

  public static HttpResponse<String> kick(
      TestServer server, String code, String clientId, String bearer) {
    return server.post(
        path(code, "kick"), new JsonObject().put("clientId", clientId).encode(), bearer);
  }

  /** A controller's join (without its type), named after its client id. */
  public static JsonObject controller(String code, String clientId) {
    return new JsonObject()
        .put("session", code)
        .put("role", "controller")
        .put("name", clientId)
        .put("clientId", clientId);
  }

  /** Asserts a member's socket hears {@code error kicked} and is closed with 4502. */
  public static void assertKicked(WsClient socket) {
    assertThat(socket.next("error").getString("code")).isEqualTo("kicked");
    assertThat(socket.awaitClose()).isEqualTo(CloseCodes.KICKED);
  }

  /** Joins with {@code join} on a new socket, expecting {@code error kicked}; the close code. */
  public static int refusedJoin(TestServer server, JsonObject join) {
    try (WsClient ws = server.ws()) {
      ws.send(join.copy().put("type", "join"));
      JsonObject answer = ws.next();
      assertThat(answer.getString("type")).as("answer %s", answer).isEqualTo("error");
      assertThat(answer.getString("code")).isEqualTo("kicked");
      return ws.awaitClose();
    }
  }
}
