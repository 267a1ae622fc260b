package dev.marquee.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.Http;
import dev.marquee.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which network transport the server's sockets use ({@code NETWORK_TRANSPORT}), said once at
 * start-up. {@code auto}: Netty's native epoll (fewer syscalls and wake-ups per socket write than
 * NIO) when it loads, which needs Linux on x86_64, else NIO. {@code io_uring}: Linux's io_uring,
 * about 15% less CPU per delivered message here (BENCHMARKS.md), where the kernel allows it; when
 * it does not ({@code kernel.io_uring_disabled}, a container's seccomp profile), the server says
 * why and starts as with {@code auto}.
 */
public final class NetworkTransport {
  private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);

  private NetworkTransport() {}

  /**
   * The server's Vert.x: {@code loops} event loops on the transport {@code wanted}, its metrics
   * into {@code metrics}; says which transport it ended up with.
   */
  public static Vertx vertx(int loops, Http.Transport wanted, Metrics metrics) {
    VertxBuilder builder =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(loops)
                    .setPreferNativeTransport(wanted != Http.Transport.NIO)
                    .setMetricsOptions(
                        new MicrometerMetricsOptions()
                            .setEnabled(true)
                            // The database pool's sockets would register the same gauges twice.
                            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                            .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                            .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)))
            .withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    String chosen = choose(builder, wanted);
    Vertx vertx = builder.build();
    log(vertx, chosen);
    return vertx;
  }

  /** Sets the builder's transport for {@code wanted}; returns the name it will use. */
  private static String choose(VertxBuilder builder, Http.Transport wanted) {
    Transport chosen =
        switch (wanted) {
          case AUTO, NIO -> null;
          case EPOLL -> usable(Transport.EPOLL, "epoll");
          case IO_URING -> usable(Transport.IO_URING, "io_uring");
        };
    if (chosen != null) {
      builder.withTransport(chosen);
      return chosen.name();
    }
    return wanted == Http.Transport.NIO ? "nio" : "auto";
  }

  private static Transport usable(Transport transport, String name) {
    if (transport != null && transport.available()) {
      return transport;
    }
    Throwable cause = transport == null ? null : transport.unavailabilityCause();
    log.warn(
        "network transport unavailable; using the default",
        kv("wanted", name),
        kv("reason", cause == null ? "not on this platform" : String.valueOf(cause)));
    return null;
  }

  /** Logs the transport {@code vertx} ended up with. */
  private static void log(Vertx vertx, String chosen) {
    if (vertx.isNativeTransportEnabled()) {
      String name = chosen;
      if (chosen.equals("auto")) {
        Transport auto = Transport.nativeTransport();
        name = auto == null ? "native" : auto.name();
      }
      log.info("network transport", kv("transport", name));
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      log.info(
          "network transport",
          kv("transport", "nio"),
          kv(
              "nativeUnavailable",
              chosen.equals("nio")
                  ? "NETWORK_TRANSPORT=nio"
                  : cause == null ? "not on this platform" : String.valueOf(cause)));
    }
  }
}
