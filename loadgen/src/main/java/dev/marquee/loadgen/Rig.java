package dev.marquee.loadgen;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The generator's machinery for one run: a Vert.x instance with one event loop per core, a
 * WebSocket and an HTTP client that only ever reach the run's {@link Target}s, the server probe,
 * and the run's deadline. Work is pinned to event loops through {@link #loops()}: every member of a
 * session lives on the session's loop, so per-session state needs no locks.
 */
final class Rig implements AutoCloseable {
  private static final long ORIGIN = System.nanoTime();

  final Vertx vertx;
  final List<Target> targets;
  final ServerProbe probe;
  final WebSocketClient ws;
  final HttpClientAgent http;
  private final List<Context> loops;
  private final long deadlineNanos;

  Rig(List<Target> targets, ServerProbe probe, int threads, int maxSeconds, int maxSockets) {
    this.targets = List.copyOf(targets);
    this.probe = probe;
    this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(threads)
                .setPreferNativeTransport(true)
                .setBlockedThreadCheckInterval(10_000));
    this.ws =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                // Headroom for sockets still closing while churn opens new ones.
                .setMaxConnections(Math.max(1_000, maxSockets * 2))
                .setConnectTimeout(10_000)
                .setTryUsePerMessageCompression(false)
                .setTcpNoDelay(true));
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
            new PoolOptions().setHttp1MaxSize(512));
    List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
    await(
        vertx.deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    contexts.add(context);
                    return Future.succeededFuture();
                  }
                },
            new DeploymentOptions().setInstances(threads)),
        30);
    this.loops = List.copyOf(contexts);
  }

  /** Monotonic nanoseconds since the generator started: what message texts carry. */
  static long now() {
    return System.nanoTime() - ORIGIN;
  }

  List<Context> loops() {
    return loops;
  }

  Context loop(int i) {
    return loops.get(Math.floorMod(i, loops.size()));
  }

  Target target(int i) {
    return targets.get(Math.floorMod(i, targets.size()));
  }

  /** Seconds left before the run's --max-seconds. */
  double secondsLeft() {
    return (deadlineNanos - System.nanoTime()) / 1e9;
  }

  /** POST /api/session on {@code t}: the new session's code. */
  Future<String> createSession(Target t, String title) {
    return http.request(HttpMethod.POST, t.port(), t.host(), "/api/session")
        .compose(
            req ->
                req.putHeader("Content-Type", "application/json")
                    .send(new JsonObject().put("title", title).toBuffer()))
        .compose(
            resp ->
                resp.body()
                    .compose(
                        body -> {
                          if (resp.statusCode() != 201) {
                            return Future.failedFuture(
                                "POST /api/session answered "
                                    + resp.statusCode()
                                    + ": "
                                    + body.toString());
                          }
                          return Future.succeededFuture(new JsonObject(body).getString("code"));
                        }));
  }

  /** A GET on {@code t}: status and body. */
  Future<HttpAnswer> get(Target t, String uri) {
    return http.request(HttpMethod.GET, t.port(), t.host(), uri)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new HttpAnswer(resp.statusCode(), b)));
  }

  record HttpAnswer(int status, Buffer body) {}

  /** Runs {@code work} on {@code ctx} and waits for its value. */
  <T> T onContext(Context ctx, Supplier<T> work) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          try {
            p.complete(work.get());
          } catch (RuntimeException e) {
            p.fail(e);
          }
        });
    return await(p.future(), 30);
  }

  /** Waits for {@code f} from a thread that is not an event loop. */
  static <T> T await(Future<T> f, long seconds) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new RunFailure(String.valueOf(cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new RunFailure("no answer within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted", e);
    }
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(Math.max(0, ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      await(vertx.close(), 15);
    } catch (RunFailure e) {
      // Closing is best effort: the process exits right after.
    }
  }
}
