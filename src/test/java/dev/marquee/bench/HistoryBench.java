package dev.marquee.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.Recorder;

/**
 * Times the history endpoints under concurrent load, one endpoint at a time: half the requests on
 * the 10,000-message session, half spread over sessions of 1,000. Prints one JSON line per
 * endpoint. Loopback only; bounded in time.
 *
 * <p>Usage: {@code HistoryBench <baseUrl> <secondsPerEndpoint> <clients> <smallSessionCodes,...>}
 */
public final class HistoryBench {
  static final String[] QUERIES = {
    "hello", "qui", "cafe", "\"thanks great\"", "speaker talk", "resu"
  };

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    if (!"127.0.0.1".equals(base.getHost())) {
      throw new IllegalArgumentException("loopback only: " + base);
    }
    int seconds = Math.min(Integer.parseInt(args[1]), 60);
    int clients = Math.min(Integer.parseInt(args[2]), 64);
    String[] small = args[3].split(",");
    HttpClient http =
        HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients)).build();
    List<Endpoint> endpoints =
        List.of(
            new Endpoint("page", r -> "/history?page=" + (1 + r.nextInt(20)) + "&limit=20"),
            new Endpoint("latest", r -> "/history/latest?limit=20"),
            new Endpoint(
                "search",
                r ->
                    "/history/search?q="
                        + URLEncoder.encode(
                            QUERIES[r.nextInt(QUERIES.length)], StandardCharsets.UTF_8)
                        + "&limit=20"),
            new Endpoint("stats", r -> "/history/stats"));
    for (Endpoint e : endpoints) {
      run(http, base, e, small, seconds, clients);
    }
    System.exit(0);
  }

  record Endpoint(String name, Function<Random, String> path) {}

  static void run(HttpClient http, URI base, Endpoint e, String[] small, int seconds, int clients)
      throws Exception {
    Recorder big = new Recorder(3);
    Recorder others = new Recorder(3);
    AtomicLong errors = new AtomicLong();
    AtomicLong count = new AtomicLong();
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> work = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int id = c;
      work.add(
          pool.submit(
              () -> {
                Random r = new Random(id);
                boolean warm = true;
                while (System.nanoTime() < end) {
                  if (warm && System.nanoTime() >= warmEnd) {
                    warm = false;
                  }
                  boolean onBig = r.nextBoolean();
                  String code = onBig ? "BGGAAA" : small[r.nextInt(small.length)];
                  URI uri = URI.create(base + "/api/session/" + code + e.path().apply(r));
                  long t0 = System.nanoTime();
                  HttpResponse<String> resp =
                      http.send(
                          HttpRequest.newBuilder(uri).build(),
                          HttpResponse.BodyHandlers.ofString());
                  long took = System.nanoTime() - t0;
                  if (resp.statusCode() != 200) {
                    errors.incrementAndGet();
                  } else if (!warm) {
                    (onBig ? big : others).recordValue(took);
                    count.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    var b = big.getIntervalHistogram();
    var o = others.getIntervalHistogram();
    System.out.println(
        new JsonObject()
            .put("scenario", "history")
            .put("endpoint", e.name())
            .put("requestsPerSecond", count.get() / seconds)
            .put("bigSessionP50Ms", b.getValueAtPercentile(50) / 1e6)
            .put("bigSessionP99Ms", b.getValueAtPercentile(99) / 1e6)
            .put("smallSessionsP50Ms", o.getValueAtPercentile(50) / 1e6)
            .put("smallSessionsP99Ms", o.getValueAtPercentile(99) / 1e6)
            .put("errors", errors.get())
            .encode());
  }
}
