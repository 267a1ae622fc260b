package dev.marquee.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.presence.Role;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredMessageJsonTest {
  static final StoredMessage MESSAGE =
      new StoredMessage(
          "K7QX2M", 42, 1_764_161_234_567L, "c-1", "Alice", Role.CONTROLLER, "hé \"x\"");

  @Test
  void encodesTheMessageFrameWithoutType() {
    assertThat(new JsonObject(StoredMessageJson.encode(MESSAGE)))
        .isEqualTo(
            new JsonObject()
                .put("session", "K7QX2M")
                .put("seq", 42)
                .put("ts", 1_764_161_234_567L)
                .put(
                    "from",
                    new JsonObject()
                        .put("clientId", "c-1")
                        .put("name", "Alice")
                        .put("role", "controller"))
                .put("text", "hé \"x\""));
  }

  @Test
  void decodesWhatItEncodes() {
    assertThat(StoredMessageJson.decode(StoredMessageJson.encode(MESSAGE))).isEqualTo(MESSAGE);
  }

  @Test
  void decodesNumbersWrittenAsDoublesInAnyFieldOrder() {
    String json =
        "{\"text\":\"hé \\\"x\\\"\",\"ts\":1.764161234567e12,\"seq\":42,"
            + "\"from\":{\"role\":\"controller\",\"name\":\"Alice\",\"clientId\":\"c-1\"},"
            + "\"session\":\"K7QX2M\"}";

    assertThat(StoredMessageJson.decode(json)).isEqualTo(MESSAGE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{\"session\":\"K7QX2M\",\"seq\":1,\"ts\":1,\"text\":\"x\"}",
        "{\"session\":\"K7QX2M\",\"seq\":\"1\",\"ts\":1,\"from\":{\"clientId\":\"c\",\"name\":\"n\","
            + "\"role\":\"controller\"},\"text\":\"x\"}",
        "{\"session\":\"K7QX2M\",\"seq\":1,\"ts\":1,\"from\":{\"clientId\":\"c\",\"name\":\"n\","
            + "\"role\":\"owner\"},\"text\":\"x\"}"
      })
  void rejectsWhatIsNotAStoredMessage(String json) {
    assertThatThrownBy(() -> StoredMessageJson.decode(json))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
