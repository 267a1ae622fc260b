package dev.marquee.faults;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A steady message load over several instances: {@code sessions} sessions, each with one controller
 * sending {@code rate} numbered messages a second and {@code displays} displays, the members of a
 * session spread over the instances. Latencies are recorded per phase ({@link #phase}), so a test
 * compares before, during and after a fault.
 */
final class SteadyLoad implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client = vertx.createWebSocketClient();
  private final io.vertx.core.http.HttpClient http = vertx.createHttpClient();
  private final IntUnaryOperator ports;
  private final int instances;
  private final List<LoadMember> members = new ArrayList<>();
  private final List<String> sessions = new ArrayList<>();
  private final Map<String, LongSamples> latencies = new LinkedHashMap<>();
  private LongSamples current;
  private long timer = -1;

  /** {@code ports} maps an instance number to its port (it may change after a restart). */
  SteadyLoad(int instances, IntUnaryOperator ports) {
    this.instances = instances;
    this.ports = ports;
    phase("warm-up");
  }

  /** Adds a session's members and connects them; waits until all have joined. */
  void addSession(String code, int displays) {
    sessions.add(code);
    int first = sessions.size() - 1;
    List<LoadMember> added = new ArrayList<>();
    added.add(new LoadMember(this, code, "controller", code + "-c", first % instances));
    for (int d = 0; d < displays; d++) {
      added.add(
          new LoadMember(this, code, "display", code + "-d" + d, (first + d + 1) % instances));
    }
    synchronized (members) {
      members.addAll(added);
    }
    added.forEach(LoadMember::connect);
    dev.marquee.testing.Eventually.until(
        java.time.Duration.ofSeconds(10),
        () -> added.stream().allMatch(LoadMember::isJoined),
        "every member of " + code + " to join");
  }

  /**
   * Every controller sends one message each {@code periodMs}; returns after a warm-up (fresh
   * processes compile their hot paths first), from which latencies count towards "before".
   */
  void start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, t -> controllers().forEach(LoadMember::tick));
    sleep(FaultLoad.intEnv("FAULTS_WARMUP_MS", 3_000));
    phase("before");
  }

  /** Latencies from now on count towards {@code name}. */
  synchronized void phase(String name) {
    current = latencies.computeIfAbsent(name, n -> new LongSamples());
  }

  synchronized void latency(long nanos) {
    current.add(nanos);
  }

  synchronized Map<String, LongSamples> latencies() {
    return new LinkedHashMap<>(latencies);
  }

  /** Stops sending and waits until every display has what its controller had acknowledged. */
  Verdict finish(java.time.Duration drain) {
    vertx.cancelTimer(timer);
    long deadline = System.nanoTime() + drain.toNanos();
    Verdict verdict = verdict();
    while (!verdict.lost().isEmpty() && System.nanoTime() < deadline) {
      sleep(100);
      verdict = verdict();
    }
    members().forEach(LoadMember::stop);
    return verdict;
  }

  Verdict verdict() {
    return Verdict.of(members(), latencies());
  }

  List<LoadMember> members() {
    synchronized (members) {
      return new ArrayList<>(members);
    }
  }

  List<String> sessions() {
    return List.copyOf(sessions);
  }

  private List<LoadMember> controllers() {
    return members().stream().filter(LoadMember::isController).toList();
  }

  int port(int instance) {
    return ports.applyAsInt(instance);
  }

  int nextInstance(int instance) {
    return (instance + 1) % instances;
  }

  Vertx vertx() {
    return vertx;
  }

  WebSocketClient client() {
    return client;
  }

  /** Every message of the session, newest first, over HTTP from {@code instance}. */
  Future<JsonArray> history(int instance, String session) {
    return page(instance, session, 1, new JsonArray());
  }

  private Future<JsonArray> page(int instance, String session, int page, JsonArray into) {
    RequestOptions get =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port(instance))
            .setURI("/api/session/" + session + "/history?limit=100&page=" + page);
    return http.request(get)
        .compose(r -> r.send())
        .compose(
            r ->
                r.statusCode() == 200
                    ? r.body()
                    : Future.failedFuture("history answered " + r.statusCode()))
        .compose(
            body -> {
              JsonObject json = body.toJsonObject();
              into.addAll(json.getJsonArray("messages"));
              return json.getBoolean("hasMore")
                  ? page(instance, session, page + 1, into)
                  : Future.succeededFuture(into);
            });
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    members().forEach(LoadMember::stop);
    vertx.close().await();
  }
}
