package dev.marquee.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HighlightTest {
  private static final String S = String.valueOf(HistorySql.MARK_START);
  private static final String E = String.valueOf(HistorySql.MARK_END);

  @Test
  void marksBecomeSegmentsThatRebuildTheText() {
    JsonArray segments = Highlight.segments("say " + S + "hello" + E + " <b>" + S + "you" + E);

    assertThat(segments)
        .isEqualTo(
            new JsonArray()
                .add(segment("say ", false))
                .add(segment("hello", true))
                .add(segment(" <b>", false))
                .add(segment("you", true)));
  }

  @Test
  void adjacentMatchesJoinAndTextWithoutMarksIsOneSegment() {
    assertThat(Highlight.segments(S + "e" + E + S + "mail" + E))
        .isEqualTo(new JsonArray().add(segment("email", true)));
    assertThat(Highlight.segments("plain")).isEqualTo(new JsonArray().add(segment("plain", false)));
    assertThat(Highlight.segments("")).isEmpty();
  }

  private static JsonObject segment(String text, boolean match) {
    return new JsonObject().put("text", text).put("match", match);
  }
}
