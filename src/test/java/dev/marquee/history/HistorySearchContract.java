package dev.marquee.history;

import static dev.marquee.history.HistoryFixture.assertBadRequest;
import static dev.marquee.history.HistoryFixture.json;
import static dev.marquee.history.HistoryFixture.search;
import static dev.marquee.history.HistoryFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Full-text search over a session's history, on every engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HistorySearchContract {
  TestServer server;
  String code;

  protected abstract Map<String, String> engineEnv();

  @BeforeAll
  void start() {
    server = HistoryFixture.start(engineEnv());
    code = server.createSession().getString("code");
    HistoryFixture.send(
        server,
        code,
        "Alice",
        "Hello world",
        "hello there",
        "Crème brûlée recipe",
        "the WORLD cup",
        "world, hello again: hello!",
        "Help wanted",
        "the quick brown fox jumps",
        "fox, brown and quick",
        "Grüße aus Köln");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  List<String> found(String q) {
    return texts(json(server, search(code, q)));
  }

  @Test
  void everyWordMustMatchInAnyOrder() {
    assertThat(found("world hello"))
        .containsExactlyInAnyOrder("Hello world", "world, hello again: hello!");
  }

  @Test
  void wordsMatchAsPrefixes() {
    assertThat(found("hel"))
        .containsExactlyInAnyOrder(
            "Hello world", "hello there", "world, hello again: hello!", "Help wanted");
    assertThat(found("wor cu")).containsExactly("the WORLD cup");
  }

  @Test
  void accentsAndCaseAreIgnoredBothWays() {
    assertThat(found("CREME brulee")).containsExactly("Crème brûlée recipe");
    assertThat(found("crème")).containsExactly("Crème brûlée recipe");
    assertThat(found("grusse koln")).containsExactly("Grüße aus Köln");
    assertThat(found("HELLO WORLD")).hasSize(2);
  }

  @Test
  void quotedPhrasesMatchConsecutiveWords() {
    assertThat(found("\"brown fox\"")).containsExactly("the quick brown fox jumps");
    assertThat(found("\u201cquick brown\u201d jum")).containsExactly("the quick brown fox jumps");
    assertThat(found("\"fox brown\" quick")).containsExactly("fox, brown and quick");
  }

  @Test
  void resultsAreRankedBestFirst() {
    List<String> hello = found("hello");
    assertThat(hello.get(0)).isEqualTo("world, hello again: hello!");
    assertThat(hello).hasSize(3);
  }

  @Test
  void matchedWordsAreMarkedInSegmentsThatRebuildTheText() {
    JsonObject body = json(server, search(code, "hel WORLD"));
    JsonObject first = body.getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("text")).isEqualTo("world, hello again: hello!");
    assertThat(first.getJsonArray("highlight"))
        .isEqualTo(
            new JsonArray()
                .add(segment("world", true))
                .add(segment(", ", false))
                .add(segment("hello", true))
                .add(segment(" again: ", false))
                .add(segment("hello", true))
                .add(segment("!", false)));
    JsonObject accented =
        json(server, search(code, "brulee")).getJsonArray("messages").getJsonObject(0);
    assertThat(accented.getJsonArray("highlight"))
        .isEqualTo(
            new JsonArray()
                .add(segment("Crème ", false))
                .add(segment("brûlée", true))
                .add(segment(" recipe", false)));
  }

  @Test
  void resultsArePagedLikeHistory() {
    JsonObject page = json(server, search(code, "hel") + "&limit=3&page=1");
    assertThat(page.getJsonArray("messages")).hasSize(3);
    assertThat(page.getLong("total")).isEqualTo(4);
    assertThat(page.getBoolean("hasMore")).isTrue();
    assertThat(page.getInteger("page")).isEqualTo(1);
    assertThat(page.getInteger("limit")).isEqualTo(3);
    JsonObject next = json(server, search(code, "hel") + "&limit=3&page=2");
    assertThat(next.getJsonArray("messages")).hasSize(1);
    assertThat(next.getBoolean("hasMore")).isFalse();
    assertThat(found("nothing-like-this")).isEmpty();
    assertBadRequest(server, search(code, "hel") + "&limit=101", "limit must be");
  }

  @Test
  void badOrEmptyQueriesAreRefusedClearly() {
    String base = "/api/session/" + code + "/history/search";
    assertBadRequest(server, base, "q is required");
    assertBadRequest(server, base + "?q=", "q is required");
    assertBadRequest(server, search(code, "   "), "q is required");
    assertBadRequest(server, search(code, "!!! ... ?"), "no words");
    assertBadRequest(server, search(code, "\"unclosed phrase"), "not closed");
    assertBadRequest(server, search(code, "hello \"\""), "quoted phrase");
    assertBadRequest(server, search(code, "a".repeat(201)), "at most 200 characters");
    assertBadRequest(server, search(code, "a b c d e f g h i j k l m n o p q"), "too many words");
  }

  @Test
  void queryTextIsNeverSyntax() {
    for (String q :
        List.of(
            "hello & !world",
            "hel:* | fox",
            "it's <-> 'x'",
            "'); DROP TABLE messages; --",
            "back\\slash hello",
            "(hello)")) {
      var r = server.get(search(code, q));
      assertThat(r.statusCode()).as("%s: %s", q, r.body()).isEqualTo(200);
    }
    assertThat(found("hello & !world")).hasSize(2);
    assertThat(json(server, "/api/session/" + code + "/history").getLong("total")).isEqualTo(9);
  }

  private static JsonObject segment(String text, boolean match) {
    return new JsonObject().put("text", text).put("match", match);
  }
}
