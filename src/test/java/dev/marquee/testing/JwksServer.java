package dev.marquee.testing;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sign-in provider's JWKS endpoint on loopback (the JDK's own HTTP server), serving whatever keys
 * the test sets, or 503 while it is "down"; counts the fetches.
 */
public final class JwksServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<JsonObject> jwks = new AtomicReference<>(new JsonObject());
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile boolean down;

  private JwksServer(HttpServer server) {
    this.server = server;
  }

  public static JwksServer start(List<JsonObject> keys) {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      JwksServer out = new JwksServer(http);
      out.serve(keys);
      http.createContext(
          "/.well-known/jwks.json",
          exchange -> {
            out.fetches.incrementAndGet();
            byte[] body =
                out.down
                    ? "{}".getBytes(StandardCharsets.UTF_8)
                    : out.jwks.get().encode().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(out.down ? 503 : 200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
              os.write(body);
            }
          });
      http.start();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
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
    server.stop(0);
  }
}
