package dev.marquee.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A first fan-out load: S sessions, each with one controller sending R messages/s and D displays,
 * for T seconds, against one server on loopback. Every display checks order and gaps; latency is
 * from send to receipt in this process. Prints one JSON line.
 *
 * <p>Usage: {@code FanoutBench <baseUrl> <sessions> <displaysPerSession> <ratePerController>
 * <seconds>}. Only loopback addresses are accepted.
 */
public final class FanoutBench {
  public static void main(String[] args) throws Exception {
    // Several base URLs (comma-separated) are instances of one deployment: sessions are created
    // and controllers connect on the first, displays are spread over all of them.
    List<URI> bases = new ArrayList<>();
    for (String raw : args[0].split(",")) {
      URI u = URI.create(raw.trim());
      if (!"127.0.0.1".equals(u.getHost()) && !"localhost".equals(u.getHost())) {
        throw new IllegalArgumentException("loopback only: " + u);
      }
      bases.add(u);
    }
    URI base = bases.get(0);
    int sessions = Integer.parseInt(args[1]);
    int displays = Integer.parseInt(args[2]);
    int rate = Integer.parseInt(args[3]);
    int seconds = Math.min(Integer.parseInt(args[4]), 120);
    int port = base.getPort();

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient client =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    HttpClient http = HttpClient.newHttpClient();
    Recorder latency = new Recorder(3);
    AtomicLong delivered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    List<WebSocket> controllers = new ArrayList<>();
    java.util.concurrent.ConcurrentHashMap<String, Long> refusals =
        new java.util.concurrent.ConcurrentHashMap<>();

    for (int s = 0; s < sessions; s++) {
      String code =
          new JsonObject(
                  http.send(
                          HttpRequest.newBuilder(base.resolve("/api/session"))
                              .POST(HttpRequest.BodyPublishers.noBody())
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .getString("code");
      for (int d = 0; d < displays; d++) {
        WebSocket ws = join(client, bases.get(d % bases.size()).getPort(), code, "display");
        long[] expected = {1};
        ws.textMessageHandler(
            text -> {
              JsonObject f = new JsonObject(text);
              if (!"message".equals(f.getString("type"))) {
                return;
              }
              long seq = f.getLong("seq");
              if (seq != expected[0]) {
                errors.incrementAndGet();
              }
              expected[0] = seq + 1;
              long sentAt = Long.parseLong(f.getString("text"));
              latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
              delivered.incrementAndGet();
            });
      }
      WebSocket controller = join(client, port, code, "controller");
      controller.textMessageHandler(
          text -> {
            JsonObject f = new JsonObject(text);
            if ("error".equals(f.getString("type"))) {
              refusals.merge(f.getString("code"), 1L, Long::sum);
            }
          });
      controllers.add(controller);
    }

    long periodNs = TimeUnit.SECONDS.toNanos(1) / rate;
    // The same load before the measured window, so the JIT has compiled the hot path (a short
    // warm-up counts compilation threads against the deliveries).
    long warmup = Math.min(Long.getLong("marquee.warmup.seconds", 2), 120);
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    long deliveredAtStart = 0;
    boolean measuring = false;
    String startCpu = System.getProperty("marquee.cpu.start.cmd", "");
    long next = System.nanoTime();
    while (System.nanoTime() < end) {
      if (!measuring && System.nanoTime() >= warmupEnd) {
        measuring = true;
        latency.getIntervalHistogram();
        deliveredAtStart = delivered.get();
        if (!startCpu.isEmpty()) {
          new ProcessBuilder("sh", "-c", startCpu).inheritIO().start().waitFor();
        }
      }
      for (WebSocket c : controllers) {
        c.writeTextMessage(
            new JsonObject()
                .put("type", "send")
                .put("text", Long.toString(System.nanoTime()))
                .encode());
        sent.incrementAndGet();
      }
      next += periodNs;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    long deliveredInWindow = delivered.get() - deliveredAtStart;
    // Late is not lost: wait up to 5 s for the last deliveries before counting what never came.
    long expectedTotal = sent.get() * displays;
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (delivered.get() < expectedTotal && System.nanoTime() < drainEnd) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    var h = latency.getIntervalHistogram();
    JsonObject out =
        new JsonObject()
            .put("scenario", "fanout")
            .put("instances", bases.size())
            .put("sessions", sessions)
            .put("displaysPerSession", displays)
            .put("ratePerController", rate)
            .put("seconds", seconds)
            .put("deliveriesPerSecond", deliveredInWindow / seconds)
            .put("p50Ms", h.getValueAtPercentile(50) / 1e6)
            .put("p99Ms", h.getValueAtPercentile(99) / 1e6)
            .put("maxMs", h.getMaxValue() / 1e6)
            .put("sent", sent.get())
            .put("lost", expectedTotal - delivered.get())
            .put("orderErrors", errors.get())
            .put("refusedByCode", new JsonObject(new java.util.HashMap<String, Object>(refusals)));
    System.out.println(out.encode());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static WebSocket join(WebSocketClient client, int port, String code, String role)
      throws Exception {
    Future<WebSocket> f =
        client.connect(
            new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"));
    WebSocket ws = f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Wait for `joined`, as a real client does, before anything else is sent or counted.
    java.util.concurrent.CompletableFuture<Void> joined =
        new java.util.concurrent.CompletableFuture<>();
    ws.textMessageHandler(
        text -> {
          if ("joined".equals(new JsonObject(text).getString("type"))) {
            joined.complete(null);
          }
        });
    ws.writeTextMessage(
        new JsonObject().put("type", "join").put("session", code).put("role", role).encode());
    joined.get(10, TimeUnit.SECONDS);
    return ws;
  }
}
