package dev.marquee.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sign-in provider's JWKS endpoint on loopback, in a Vert.x of its own, serving whatever keys the
 * test sets, or 503 while it is "down"; counts the fetches. (The JDK's built-in HTTP server was
 * tried first: it sometimes held a request for seconds.)
 */
public final class JwksServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicReference<JsonObject> jwks = new AtomicReference<>(new JsonObject());
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile boolean down;
  private HttpServer server;

  private JwksServer() {}

  public static JwksServer start(List<JsonObject> keys) {
    JwksServer out = new JwksServer();
    out.serve(keys);
    try {
      out.server =
          out.vertx
              .createHttpServer()
              .requestHandler(
                  req -> {
                    if (!req.path().equals("/.well-known/jwks.json")) {
                      req.response().setStatusCode(404).end();
                      return;
                    }
                    out.fetches.incrementAndGet();
                    req.response()
                        .setStatusCode(out.down ? 503 : 200)
                        .putHeader("Content-Type", "application/json")
                        .end(out.down ? "{}" : out.jwks.get().encode());
                  })
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.close();
      throw new IllegalStateException("JWKS server did not start", e);
    }
    return out;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
  }

  public void serve(List<JsonObject> keys) {
    jwks.set(new JsonObject().put("keys", new JsonArray(List.copyOf(keys))));
  }

  public void down(boolean down) {
    this.down = down;
  }

  public int fetches() {
    return fetches.get();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
