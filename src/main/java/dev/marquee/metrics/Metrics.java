package dev.marquee.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Marquee's own meters beside the JVM, process and Vert.x HTTP ones, all in one Prometheus
 * registry. Hot-path methods only bump counters; nothing here allocates per message.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry;
  private final Counter messagesIn;
  private final Counter messagesDelivered;
  private final Counter slowConsumers;
  private final Timer deliveryLatency;
  private final Map<String, AtomicInteger> openSockets = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> retentionRemoved = new ConcurrentHashMap<>();

  public Metrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("process.memory.rss", ProcessMemory::residentBytes)
        .baseUnit("bytes")
        .description("Resident set size of the server process")
        .register(registry);
    messagesIn =
        Counter.builder("marquee.messages.in")
            .description("Messages accepted from controllers")
            .register(registry);
    messagesDelivered =
        Counter.builder("marquee.messages.delivered")
            .description("Message frames written to member sockets")
            .register(registry);
    slowConsumers =
        Counter.builder("marquee.sockets.slow.consumer.closed")
            .description("Sockets closed with 4001 because they stopped reading")
            .register(registry);
    deliveryLatency =
        Timer.builder("marquee.delivery.latency")
            .description("From acceptance of a message to its write to a member socket")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(20_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    for (String table : new String[] {"messages", "sessions", "analytics_events"}) {
      retentionRemoved.put(
          table,
          Counter.builder("marquee.retention.removed")
              .tag("table", table)
              .description("Rows removed by the retention sweep, by table")
              .register(registry));
    }
    for (String role : new String[] {"display", "controller", "unjoined"}) {
      AtomicInteger count = new AtomicInteger();
      openSockets.put(role, count);
      Gauge.builder("marquee.sockets.open", count, AtomicInteger::get)
          .tag("role", role)
          .description("Open WebSockets by role")
          .register(registry);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Text exposition for {@code /metrics}. */
  public String scrape() {
    return registry.scrape();
  }

  public void messageAccepted() {
    messagesIn.increment();
  }

  public void delivered(int sockets, long publishedNanos) {
    messagesDelivered.increment(sockets);
    deliveryLatency.record(System.nanoTime() - publishedNanos, TimeUnit.NANOSECONDS);
  }

  public void slowConsumerClosed() {
    slowConsumers.increment();
  }

  /** Moves one socket between roles ({@code null} for none: opened or closed). */
  public void socketRole(String from, String to) {
    if (from != null) {
      openSockets.get(from).decrementAndGet();
    }
    if (to != null) {
      openSockets.get(to).incrementAndGet();
    }
  }

  public void refused(String kind) {
    refusals
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("marquee.rate.limit.refusals")
                    .tag("kind", k)
                    .description("Actions refused by a rate limit")
                    .register(registry))
        .increment();
  }

  /** Counts rows the retention sweep removed from {@code table}. */
  public void retentionRemoved(String table, long rows) {
    if (rows > 0) {
      retentionRemoved.get(table).increment(rows);
    }
  }

  /** Counts an error frame sent to a client, by protocol code. */
  public void clientError(String code) {
    errors
        .computeIfAbsent(
            code,
            c ->
                Counter.builder("marquee.client.errors")
                    .tag("code", c)
                    .description("Error frames sent to clients")
                    .register(registry))
        .increment();
  }

  /** Registers a gauge read at scrape time. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** Registers a gauge whose value is a monotonic count read at scrape time. */
  public void counterGauge(String name, String description, Supplier<Number> value) {
    FunctionCounter.builder(name, value, v -> v.get().doubleValue())
        .description(description)
        .register(registry);
  }
}
