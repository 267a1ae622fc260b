package dev.marquee.history;

import static dev.marquee.history.HistoryFixture.json;
import static dev.marquee.history.HistoryFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code DELETE /api/session/{code}/history}, on every engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HistoryClearContract {
  TestServer server;

  protected abstract Map<String, String> engineEnv();

  @BeforeAll
  void start() {
    server = HistoryFixture.start(engineEnv());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String history(String code) {
    return "/api/session/" + code + "/history";
  }

  private static String error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("code");
  }

  @Test
  void onlyTheOwnerOrAnOperatorMayClear() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    HistoryFixture.sendNumbered(server, code, 2);

    HttpResponse<String> anonymous = server.delete(history(code), null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(error(anonymous)).isEqualTo("unauthorized");
    HttpResponse<String> stranger = server.delete(history(code), "not-the-owner-token");
    assertThat(stranger.statusCode()).isEqualTo(403);
    assertThat(error(stranger)).isEqualTo("forbidden");
    assertThat(json(server, history(code)).getLong("total")).isEqualTo(2);

    HttpResponse<String> owner = server.delete(history(code), created.getString("ownerToken"));
    assertThat(owner.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(owner.body()).getBoolean("cleared")).isTrue();
    HistoryFixture.sendNumbered(server, code, 1);
    assertThat(server.delete(history(code), HistoryFixture.ADMIN_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(json(server, history(code)).getLong("total")).isZero();
  }

  @Test
  void clearingIsImmediateForEveryRead() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    HistoryFixture.send(server, code, "Alice", "hello one", "hello two", "hello three");

    assertThat(server.delete(history(code), created.getString("ownerToken")).statusCode())
        .isEqualTo(200);

    JsonObject page = json(server, history(code));
    assertThat(seqs(page)).isEmpty();
    assertThat(page.getLong("total")).isZero();
    assertThat(seqs(json(server, history(code) + "/latest"))).isEmpty();
    assertThat(json(server, HistoryFixture.search(code, "hello")).getLong("total")).isZero();
    JsonObject stats = json(server, history(code) + "/stats");
    assertThat(stats.getLong("count")).isZero();
    assertThat(stats.getJsonArray("bySender")).isEmpty();
  }

  @Test
  void liveDeliveryGoesOnWithTheNextSeq() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      for (int i = 1; i <= 3; i++) {
        controller.send(new JsonObject().put("type", "send").put("text", "before " + i));
        assertThat(controller.nextAnswer().getLong("seq")).isEqualTo(i);
        assertThat(display.next("message").getLong("seq")).isEqualTo(i);
      }

      assertThat(server.delete(history(code), created.getString("ownerToken")).statusCode())
          .isEqualTo(200);
      controller.send(
          new JsonObject().put("type", "send").put("text", "after").put("ref", "after"));

      assertThat(controller.nextAnswer().getLong("seq")).isEqualTo(4);
      assertThat(display.next("message").getString("text")).isEqualTo("after");
      JsonObject page = json(server, history(code));
      assertThat(seqs(page)).containsExactly(4L);
      assertThat(page.getLong("total")).isEqualTo(1);
    }
  }

  /** A client that missed cleared messages is not replayed them: it refetches history instead. */
  @Test
  void clearedMessagesAreNotReplayed() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    JsonObject first = HistoryFixture.sendNumbered(server, code, 3).get(0);
    assertThat(server.delete(history(code), created.getString("ownerToken")).statusCode())
        .isEqualTo(200);
    HistoryFixture.sendNumbered(server, code, 1);

    try (WsClient behind = server.ws();
        WsClient current = server.ws()) {
      JsonObject rejoin =
          new JsonObject()
              .put("session", code)
              .put("role", "display")
              .put("name", "TV")
              .put("lastSeq", first.getLong("seq"));
      assertThat(behind.join(rejoin).getBoolean("recovered")).isFalse();
      behind.assertNoFrame("message", java.time.Duration.ofMillis(200));

      JsonObject upToDate = rejoin.copy().put("lastSeq", 3);
      assertThat(current.join(upToDate).getBoolean("recovered")).isTrue();
      assertThat(current.next("message").getLong("seq")).isEqualTo(4);
    }
  }

  @Test
  void clearingAnEndedSessionClearsItAll() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    HistoryFixture.sendNumbered(server, code, 3);
    assertThat(server.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
        .isEqualTo(200);

    assertThat(server.delete(history(code), created.getString("ownerToken")).statusCode())
        .isEqualTo(200);
    assertThat(json(server, history(code)).getLong("total")).isZero();
  }
}
