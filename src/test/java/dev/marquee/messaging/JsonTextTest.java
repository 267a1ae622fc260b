package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.history.StoredMessage;
import dev.marquee.history.StoredMessageJson;
import dev.marquee.presence.Role;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written frames are the text Vert.x's Jackson encoder writes for the same fields, to the
 * character: every escape, every field in its place.
 */
class JsonTextTest {
  private static final List<String> AWKWARD =
      List.of(
          "",
          "plain",
          "quote \" and backslash \\ and slash /",
          "lines\nand\ttabs\r\f\b and \u0000 \u001f \u007f",
          "émoji 😀 and CJK 漢字 and \u2028\u2029 and \uffff",
          "</script><script>alert(1)</script>");

  @Test
  void escapesEveryCharBelow0x3000AsJacksonDoes() {
    for (char c = 0; c < 0x3000; c++) {
      String value = "a" + c + "b";
      assertThat(string(value)).as("U+%04X", (int) c).isEqualTo(jackson(value));
    }
    for (String value : AWKWARD) {
      assertThat(string(value)).isEqualTo(jackson(value));
    }
  }

  @Test
  void messageFramesAreTheJsonObjectEncoding() {
    for (String text : AWKWARD) {
      for (String name : List.of("Ana", text)) {
        StoredMessage m =
            new StoredMessage(
                "ABC234", 42, 1_764_072_000_123L, "phone-1", name, Role.CONTROLLER, text);
        String before =
            new JsonObject().put("type", "message").mergeIn(StoredMessageJson.toJson(m)).encode();
        assertThat(Frames.message(m)).isEqualTo(before);
      }
    }
    StoredMessage noName =
        new StoredMessage("ABC234", Long.MAX_VALUE, 0, null, null, Role.DISPLAY, "x");
    assertThat(Frames.message(noName))
        .isEqualTo(
            new JsonObject()
                .put("type", "message")
                .mergeIn(StoredMessageJson.toJson(noName))
                .encode());
  }

  @Test
  void ackFramesAreTheJsonObjectEncoding() {
    assertThat(Frames.ack(null, 7)).isEqualTo("{\"type\":\"ack\",\"seq\":7}");
    for (String ref : AWKWARD) {
      assertThat(Frames.ack(ref, 7))
          .isEqualTo(new JsonObject().put("type", "ack").put("ref", ref).put("seq", 7L).encode());
    }
  }

  private static String string(String value) {
    return JsonText.string(new StringBuilder("{\"k\":"), value).append('}').toString();
  }

  private static String jackson(String value) {
    return new JsonObject().put("k", value).encode();
  }
}
