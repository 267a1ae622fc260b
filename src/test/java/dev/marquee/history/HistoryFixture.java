package dev.marquee.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A server for the history suites, and the sending and reading they share. */
final class HistoryFixture {
  static final String ADMIN_TOKEN = "admin-token-for-history-tests";

  private HistoryFixture() {}

  /** The engine's environment plus limits no suite reaches. */
  static TestServer start(Map<String, String> engineEnv) {
    Map<String, String> env = new HashMap<>(engineEnv);
    env.put("RATE_LIMIT_MAX_REQUESTS", "100000");
    env.put("RATE_LIMIT_IP_MAX_REQUESTS", "100000");
    env.put("RATE_LIMIT_CONNECTIONS_PER_IP", "100000");
    env.put("RATE_LIMIT_HTTP_PER_IP", "100000");
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    return TestServer.start(env);
  }

  /**
   * Sends each text as {@code name} (its client id is the name in lower case), waits for every ack,
   * and returns the messages as delivered, without {@code type}: what history must show.
   */
  static List<JsonObject> send(TestServer server, String code, String name, String... texts) {
    try (WsClient controller = server.ws()) {
      controller.join(
          new JsonObject()
              .put("session", code)
              .put("role", "controller")
              .put("name", name)
              .put("clientId", name.toLowerCase()));
      for (int i = 0; i < texts.length; i++) {
        controller.send(
            new JsonObject().put("type", "send").put("text", texts[i]).put("ref", "r" + i));
      }
      List<JsonObject> delivered = new ArrayList<>();
      for (int i = 0; i < texts.length; i++) {
        assertThat(controller.nextAnswer().getString("type")).isEqualTo("ack");
        JsonObject message = controller.next("message");
        message.remove("type");
        delivered.add(message);
      }
      return delivered;
    }
  }

  static List<JsonObject> sendNumbered(TestServer server, String code, int count) {
    String[] texts = new String[count];
    for (int i = 0; i < count; i++) {
      texts[i] = "message " + (i + 1);
    }
    return send(server, code, "Alice", texts);
  }

  static JsonObject json(TestServer server, String path) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Asserts a 400 {@code bad_request} whose message mentions {@code mentioned}. */
  static void assertBadRequest(TestServer server, String path, String mentioned) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(error.getString("message")).contains(mentioned);
  }

  static String search(String code, String q) {
    return "/api/session/"
        + code
        + "/history/search?q="
        + URLEncoder.encode(q, StandardCharsets.UTF_8);
  }

  static List<Long> seqs(JsonObject body) {
    List<Long> out = new ArrayList<>();
    JsonArray messages = body.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      out.add(messages.getJsonObject(i).getLong("seq"));
    }
    return out;
  }

  static List<String> texts(JsonObject body) {
    List<String> out = new ArrayList<>();
    JsonArray messages = body.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      out.add(messages.getJsonObject(i).getString("text"));
    }
    return out;
  }

  /** {@code from} down to {@code to} when from > to, else up. */
  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    long step = from <= to ? 1 : -1;
    for (long s = from; s != to + step; s += step) {
      out.add(s);
    }
    return out;
  }
}
