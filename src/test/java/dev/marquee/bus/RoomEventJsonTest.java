package dev.marquee.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.history.StoredMessage;
import dev.marquee.presence.Role;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomEventJsonTest {
  static final long AT = 1_764_161_234_567L;
  static final StoredMessage MESSAGE =
      new StoredMessage("K7QX2M", 42, AT - 5, "c-1", "Alice", Role.DISPLAY, "h\u00e9llo \"you\"");

  @Test
  void everyKindSurvivesTheRoundTrip() {
    List<RoomEvent> events =
        List.of(
            new RoomEvent.Message(MESSAGE, 0),
            new RoomEvent.Presence("K7QX2M", "leave", "c-2", "Bob", "display", 1, 0, "idle"),
            new RoomEvent.Presence("K7QX2M", "join", "c-3", "Eve", "controller", 2, 3, null),
            new RoomEvent.Warning("K7QX2M", Instant.ofEpochMilli(AT + 300_000), 300_000),
            new RoomEvent.Ended("K7QX2M", "ended_by_owner"),
            new RoomEvent.Locked("K7QX2M", true),
            new RoomEvent.Locked("K7QX2M", false),
            new RoomEvent.Kicked("K7QX2M", "c-4"));
    for (RoomEvent event : events) {
      String payload = RoomEventJson.encode(event, AT);
      RoomEvent back = RoomEventJson.decode("K7QX2M", payload, AT, 0);
      assertThat(back).isEqualTo(event);
    }
  }

  @Test
  void theFieldsAreThoseOfTheDocumentedFormat() {
    JsonObject message =
        new JsonObject(RoomEventJson.encode(new RoomEvent.Message(MESSAGE, 7), AT));
    assertThat(message.fieldNames()).containsExactlyInAnyOrder("kind", "message", "at");
    assertThat(message.getJsonObject("message").fieldNames())
        .containsExactlyInAnyOrder("session", "seq", "ts", "from", "text");
    assertThat(message.getJsonObject("message").getJsonObject("from").getString("role"))
        .isEqualTo("display");
    assertThat(message.getLong("at")).isEqualTo(AT);

    JsonObject presence =
        new JsonObject(
            RoomEventJson.encode(
                new RoomEvent.Presence("K7QX2M", "join", "c-3", "Eve", "controller", 2, 3, null),
                AT));
    assertThat(presence.fieldNames())
        .containsExactlyInAnyOrder(
            "kind", "event", "clientId", "name", "role", "controllers", "displays", "at");

    JsonObject warning =
        new JsonObject(
            RoomEventJson.encode(
                new RoomEvent.Warning("K7QX2M", Instant.ofEpochMilli(AT + 9), 9), AT));
    assertThat(warning.getLong("endsAt")).isEqualTo(AT + 9);

    assertThat(new JsonObject(RoomEventJson.encode(new RoomEvent.Locked("K7QX2M", true), AT)))
        .isEqualTo(new JsonObject().put("kind", "lock").put("locked", true).put("at", AT));
    assertThat(new JsonObject(RoomEventJson.encode(new RoomEvent.Kicked("K7QX2M", "c-4"), AT)))
        .isEqualTo(new JsonObject().put("kind", "kick").put("clientId", "c-4").put("at", AT));
  }

  @Test
  void aMessagesPublicationTimeIsItsAgeBeforeNow() {
    String payload = RoomEventJson.encode(new RoomEvent.Message(MESSAGE, 0), AT);

    RoomEvent.Message late = (RoomEvent.Message) RoomEventJson.decode("K7QX2M", payload, AT + 3, 0);
    assertThat(late.publishedNanos()).isEqualTo(-3_000_000);

    // A publisher whose clock runs ahead must not yield a negative latency.
    RoomEvent.Message early =
        (RoomEvent.Message) RoomEventJson.decode("K7QX2M", payload, AT - 50, 1_000);
    assertThat(early.publishedNanos()).isEqualTo(1_000);
  }

  @Test
  void numbersWrittenAsFloatingPointAreRead() {
    String payload =
        "{\"kind\":\"warning\",\"endsAt\":1.764161534567e12,\"endsInMs\":3e5,\"at\":1.764161234567e12}";
    assertThat(RoomEventJson.decode("K7QX2M", payload, AT, 0))
        .isEqualTo(new RoomEvent.Warning("K7QX2M", Instant.ofEpochMilli(AT + 300_000), 300_000));
  }

  @Test
  void aMessageOfAnotherSessionIsRefused() {
    String payload = RoomEventJson.encode(new RoomEvent.Message(MESSAGE, 0), AT);
    assertThatThrownBy(() -> RoomEventJson.decode("BBBBBB", payload, AT, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another session");
  }

  @Test
  void malformedPayloadsAreRefusedWithoutQuotingThem() {
    List<String> bad =
        List.of(
            "secret words",
            "{\"kind\":\"message\",\"at\":1}",
            "{\"kind\":\"ended\",\"reason\":\"x\"}",
            "{\"kind\":\"ended\",\"reason\":\"x\",\"at\":\"secret words\"}",
            "{\"kind\":\"fireworks\",\"at\":1}",
            "{\"kind\":\"message\",\"at\":1,\"message\":{\"session\":\"K7QX2M\",\"seq\":1,"
                + "\"ts\":1,\"from\":{\"clientId\":\"c\",\"name\":\"n\",\"role\":\"admin\"},"
                + "\"text\":\"secret words\"}}");
    for (String payload : bad) {
      assertThatThrownBy(() -> RoomEventJson.decode("K7QX2M", payload, AT, 0))
          .as(payload)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }
  }
}
