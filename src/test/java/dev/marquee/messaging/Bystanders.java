package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Members of an offender's session (a display and a second controller) and of another session, who
 * must notice nothing of what the offender sends ({@link BadFramesTest}, {@link JoinFloodTest}).
 */
final class Bystanders implements AutoCloseable {
  final String code;
  final String otherCode;
  final WsClient display;
  final WsClient peer;
  final WsClient otherDisplay;
  final WsClient otherController;
  private int round;

  /** A server whose rate limits never get in the way of one address sending floods of input. */
  static TestServer unlimitedServer() {
    return TestServer.start(
        Map.of(
            "RATE_LIMIT_MAX_REQUESTS", "100000",
            "RATE_LIMIT_IP_MAX_REQUESTS", "100000",
            "RATE_LIMIT_CONNECTIONS_PER_IP", "100000",
            "RATE_LIMIT_FAILED_JOINS_PER_IP", "100000"));
  }

  Bystanders(TestServer server) {
    code = server.createSession().getString("code");
    otherCode = server.createSession().getString("code");
    display = server.ws();
    peer = server.ws();
    otherDisplay = server.ws();
    otherController = server.ws();
    display.join(code, "display", "TV");
    peer.join(code, "controller", "Peer");
    otherDisplay.join(otherCode, "display", "Other TV");
    otherController.join(otherCode, "controller", "Other");
  }

  /** Both sessions still deliver, in both directions, and no bystander got an error or a close. */
  void untouched(String after) {
    round++;
    String text = "after " + after + " #" + round;
    peer.send(ProtocolContract.send(text, "peer-" + round));
    assertThat(peer.nextAnswer().getString("type")).as(after).isEqualTo("ack");
    assertThat(display.next("message").getString("text")).as(after).isEqualTo(text);
    assertThat(peer.next("message").getString("text")).as(after).isEqualTo(text);
    otherController.send(ProtocolContract.send(text, "other-" + round));
    assertThat(otherController.nextAnswer().getString("type")).as(after).isEqualTo("ack");
    assertThat(otherDisplay.next("message").getString("text")).as(after).isEqualTo(text);
    for (WsClient c : List.of(display, peer, otherDisplay, otherController)) {
      c.assertNoFrame("error", Duration.ZERO);
      assertThat(c.isClosed()).as("a bystander's socket after " + after).isFalse();
    }
  }

  @Override
  public void close() {
    display.close();
    peer.close();
    otherDisplay.close();
    otherController.close();
  }
}
