package dev.marquee.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which network transport the server's sockets use, said once at start-up. */
public final class NetworkTransport {
  private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);

  private NetworkTransport() {}

  /**
   * Netty's native epoll transport (fewer syscalls and wake-ups per socket write than NIO) is used
   * when it loads, which needs Linux on x86_64; anywhere else Vert.x falls back to NIO.
   */
  public static void log(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      Transport transport = Transport.nativeTransport();
      log.info(
          "network transport", kv("transport", transport == null ? "native" : transport.name()));
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      log.info(
          "network transport",
          kv("transport", "nio"),
          kv("nativeUnavailable", cause == null ? "not on this platform" : String.valueOf(cause)));
    }
  }
}
