package dev.marquee.history;

import static dev.marquee.history.HistoryFixture.assertBadRequest;
import static dev.marquee.history.HistoryFixture.json;
import static dev.marquee.history.HistoryFixture.range;
import static dev.marquee.history.HistoryFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Pages, the latest messages and stats of PROTOCOL.md, on every engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HistoryPagesContract {
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

  String history(String code, String query) {
    return "/api/session/" + code + "/history" + query;
  }

  @Test
  void pagesAreNewestFirstWithTotalAndHasMore() {
    String code = server.createSession().getString("code");
    List<JsonObject> sent = HistoryFixture.sendNumbered(server, code, 45);

    JsonObject first = json(server, history(code, ""));
    assertThat(seqs(first)).isEqualTo(range(45, 26));
    assertThat(first.getInteger("page")).isEqualTo(1);
    assertThat(first.getInteger("limit")).isEqualTo(20);
    assertThat(first.getLong("total")).isEqualTo(45);
    assertThat(first.getBoolean("hasMore")).isTrue();
    assertThat(first.getJsonArray("messages").getJsonObject(0))
        .as("the message frame without type")
        .isEqualTo(sent.get(44));

    JsonObject last = json(server, history(code, "?page=3&limit=20"));
    assertThat(seqs(last)).isEqualTo(range(5, 1));
    assertThat(last.getBoolean("hasMore")).isFalse();

    JsonObject beyond = json(server, history(code, "?page=4&limit=20"));
    assertThat(seqs(beyond)).isEmpty();
    assertThat(beyond.getLong("total")).isEqualTo(45);
    assertThat(beyond.getBoolean("hasMore")).isFalse();

    JsonObject whole = json(server, history(code, "?limit=100"));
    assertThat(whole.getJsonArray("messages").size()).isEqualTo(45);
    assertThat(whole.getBoolean("hasMore")).isFalse();
  }

  @Test
  void historyBeyondTheHotWindowComesFromTheArchive() {
    String code = server.createSession().getString("code");
    HistoryFixture.sendNumbered(server, code, RecentHistory.WINDOW + 30);
    // Only the window's messages are promised before the archive has the older ones.
    Eventually.until(
        Duration.ofSeconds(10),
        () -> json(server, history(code, "?limit=1")).getLong("total") == RecentHistory.WINDOW + 30,
        "the oldest messages archived");

    JsonObject second = json(server, history(code, "?page=2&limit=100"));
    assertThat(seqs(second)).isEqualTo(range(30, 1));
    JsonObject first = json(server, history(code, "?page=1&limit=100"));
    assertThat(seqs(first)).isEqualTo(range(RecentHistory.WINDOW + 30, 31));
  }

  @Test
  void pageAndLimitAreValidated() {
    String code = server.createSession().getString("code");
    for (String query : List.of("?page=0", "?page=-1", "?page=abc", "?page=", "?page=1.5")) {
      assertBadRequest(server, history(code, query), "page must be");
    }
    for (String query : List.of("?limit=0", "?limit=101", "?limit=x", "?limit=20.0")) {
      assertBadRequest(server, history(code, query), "limit must be a whole number from 1 to 100");
      assertBadRequest(server, history(code, "/latest" + query), "limit must be");
    }
    assertThat(json(server, history(code, "?page=1&limit=100")).getInteger("limit")).isEqualTo(100);
    assertThat(json(server, history(code, "?page=999999999&limit=1")).getLong("total")).isZero();
  }

  @Test
  void latestIsTheNewestOldestFirst() {
    String code = server.createSession().getString("code");
    HistoryFixture.sendNumbered(server, code, 30);

    assertThat(seqs(json(server, history(code, "/latest?limit=5")))).isEqualTo(range(26, 30));
    assertThat(seqs(json(server, history(code, "/latest")))).isEqualTo(range(11, 30));
    JsonObject latest = json(server, history(code, "/latest?limit=1"));
    assertThat(latest.fieldNames()).containsExactly("messages");
  }

  @Test
  void statsCountMessagesTimesAndSenders() {
    String code = server.createSession().getString("code");
    List<JsonObject> alice = HistoryFixture.send(server, code, "Alice", "one", "two", "three");
    List<JsonObject> bob = HistoryFixture.send(server, code, "Bob", "four", "five");

    JsonObject stats = json(server, history(code, "/stats"));
    assertThat(stats.getLong("count")).isEqualTo(5);
    assertThat(stats.getInteger("senders")).isEqualTo(2);
    assertThat(stats.getJsonArray("bySender"))
        .isEqualTo(
            new JsonArray()
                .add(new JsonObject().put("name", "Alice").put("count", 3))
                .add(new JsonObject().put("name", "Bob").put("count", 2)));
    long first = alice.get(0).getLong("ts");
    long last = bob.get(1).getLong("ts");
    assertThat(Instant.parse(stats.getString("firstAt")).toEpochMilli()).isEqualTo(first);
    assertThat(Instant.parse(stats.getString("lastAt")).toEpochMilli()).isEqualTo(last);
    assertThat(stats.getLong("durationMs")).isEqualTo(last - first);
  }

  @Test
  void statsOfASessionWithoutMessages() {
    String code = server.createSession().getString("code");

    JsonObject stats = json(server, history(code, "/stats"));
    assertThat(stats.getLong("count")).isZero();
    assertThat(stats.getValue("firstAt")).isNull();
    assertThat(stats.getValue("lastAt")).isNull();
    assertThat(stats.getLong("durationMs")).isZero();
    assertThat(stats.getInteger("senders")).isZero();
    assertThat(stats.getJsonArray("bySender")).isEmpty();
  }

  @Test
  void anEndedSessionsHistoryStaysReadable() {
    JsonObject created = server.createSession();
    String code = created.getString("code");
    HistoryFixture.sendNumbered(server, code, 3);
    assertThat(server.delete("/api/session/" + code, created.getString("ownerToken")).statusCode())
        .isEqualTo(200);

    assertThat(seqs(json(server, history(code, "")))).isEqualTo(range(3, 1));
    assertThat(seqs(json(server, history(code, "/latest")))).isEqualTo(range(1, 3));
    assertThat(json(server, history(code, "/stats")).getLong("count")).isEqualTo(3);
    assertThat(seqs(json(server, HistoryFixture.search(code, "message 2")))).containsExactly(2L);
  }

  @Test
  void unknownSessionsAreNotFound() {
    for (String path :
        List.of(
            "/api/session/ZZZZZZ/history",
            "/api/session/ZZZZZZ/history/latest",
            "/api/session/ZZZZZZ/history/stats",
            "/api/session/ZZZZZZ/history/search?q=hello",
            "/api/session/not-a-code/history")) {
      var r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
          .isEqualTo("session_not_found");
    }
    assertThat(
            server.delete("/api/session/ZZZZZZ/history", HistoryFixture.ADMIN_TOKEN).statusCode())
        .isEqualTo(404);
  }
}
