package dev.marquee.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marquee.config.Config;
import dev.marquee.config.ConfigException;
import dev.marquee.config.Http;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code NETWORK_TRANSPORT}: the server runs its sockets on the transport asked for. */
class NetworkTransportTest {

  @Test
  void ioUringCarriesTheProtocolWhereTheKernelAllowsIt() {
    assumeTrue(
        Transport.IO_URING != null && Transport.IO_URING.available(),
        "io_uring is not available here");
    try (TestServer server = TestServer.start(Map.of("NETWORK_TRANSPORT", "io_uring"))) {
      assertThat(transportOf(server)).containsIgnoringCase("uring");
      exchange(server);
    }
  }

  @Test
  void nioCanBeAskedFor() {
    try (TestServer server = TestServer.start(Map.of("NETWORK_TRANSPORT", "nio"))) {
      assertThat(server.marquee().vertx().isNativeTransportEnabled()).isFalse();
      exchange(server);
    }
  }

  @Test
  void autoIsEpollOnLinux() {
    assumeTrue(Transport.EPOLL != null && Transport.EPOLL.available(), "no epoll here");
    try (TestServer server = TestServer.start(Map.of())) {
      assertThat(transportOf(server)).containsIgnoringCase("epoll");
    }
  }

  @Test
  void anUnknownTransportIsAConfigurationError() {
    assertThatThrownBy(() -> Config.fromEnv(Map.of("NETWORK_TRANSPORT", "kqueue")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("NETWORK_TRANSPORT:")
                                .contains("auto, epoll, io_uring or nio")));
    assertThat(Config.fromEnv(Map.of("NETWORK_TRANSPORT", " IO_URING ")).http().transport())
        .isEqualTo(Http.Transport.IO_URING);
  }

  private static String transportOf(TestServer server) {
    return ((VertxInternal) server.marquee().vertx()).transport().getClass().getSimpleName();
  }

  /** A display and a controller, one message through, as on any transport. */
  private static void exchange(TestServer server) {
    String code = server.createSession().getString("code");
    try (WsClient display = server.ws();
        WsClient controller = server.ws()) {
      display.join(code, "display", "TV");
      controller.join(code, "controller", "Alice");
      controller.send(new JsonObject().put("type", "send").put("text", "over the wire"));
      assertThat(controller.next("ack").getLong("seq")).isEqualTo(1);
      assertThat(display.next("message").getString("text")).isEqualTo("over the wire");
    }
  }
}
