package dev.marquee.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.MutableClock;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lifetime and inactivity with the default durations, on a clock the test moves: the sweep runs
 * every 20 ms of real time and sees the moved clock.
 */
class SessionLifetimeTest {
  static final MutableClock clock = new MutableClock(Instant.now());
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SESSION_SWEEP_INTERVAL_MS", "20"), clock);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void quietSessionsAreWarnedAtTenMinutesAndEndedAtFifteen() {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");

      clock.advance(Duration.ofMinutes(9));
      display.assertNoFrame("warning", Duration.ofMillis(200));

      clock.advance(Duration.ofMinutes(1));
      for (WsClient member : new WsClient[] {display, controller}) {
        JsonObject warning = member.next("warning");
        assertThat(warning.getString("reason")).isEqualTo("inactivity");
        assertThat(warning.getLong("endsInMs")).isBetween(290_000L, 300_000L);
        assertThat(Instant.parse(warning.getString("endsAt")))
            .isBetween(clock.instant().plusSeconds(290), clock.instant().plusSeconds(300));
      }
      display.assertNoFrame("warning", Duration.ofMillis(200));

      clock.advance(Duration.ofMinutes(5));
      assertThat(display.next("ended").getString("reason")).isEqualTo("inactive");
      assertThat(controller.next("ended").getString("reason")).isEqualTo("inactive");
      assertThat(display.awaitClose()).isEqualTo(4500);
      assertThat(controller.awaitClose()).isEqualTo(4500);
    }
    JsonObject view = new JsonObject(server.get("/api/session/" + code).body());
    assertThat(view.getString("endedAt")).isNotNull();
    assertThat(view.getString("endReason")).isEqualTo("inactive");
  }

  @Test
  void aMessageResetsTheInactivityClock() {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      clock.advance(Duration.ofMinutes(10));
      display.next("warning");

      controller.send(
          new JsonObject().put("type", "send").put("text", "still here").put("ref", "r"));
      controller.next("ack");
      clock.advance(Duration.ofMinutes(9));
      display.assertNoFrame("ended", Duration.ofMillis(200));
      display.assertNoFrame("warning", Duration.ofMillis(1));

      clock.advance(Duration.ofMinutes(1));
      assertThat(display.next("warning").getLong("endsInMs")).isBetween(290_000L, 300_000L);
      assertThat(display.isClosed()).isFalse();
    }
  }

  @Test
  void aMemberJoiningDuringTheWarningIsWarnedToo() {
    String code = server.createSession().getString("code");
    clock.advance(Duration.ofMinutes(11));
    try (WsClient late = server.ws()) {
      late.join(code, "display", "TV");
      assertThat(late.next("warning").getLong("endsInMs")).isBetween(230_000L, 240_000L);
    }
  }

  @Test
  void sessionsEndWhenTheirLifetimeIsOverEvenIfBusy() {
    JsonObject session = server.createSession();
    String code = session.getString("code");
    Instant created = Instant.parse(session.getString("createdAt"));
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      // Keep it active past 24 h: a message every 8 minutes of moved time, a ping from the display.
      for (int step = 0; step < 200 && !display.isClosed(); step++) {
        clock.advance(Duration.ofMinutes(8));
        controller.send(new JsonObject().put("type", "send").put("text", "tick").put("ref", "t"));
        display.send(new JsonObject().put("type", "ping"));
        if (clock.instant().isAfter(created.plus(Duration.ofHours(24)))) {
          break;
        }
        controller.next("ack");
        display.next("pong");
      }
      assertThat(display.next("ended").getString("reason")).isEqualTo("expired");
      assertThat(display.awaitClose()).isEqualTo(4500);
    }
  }
}
