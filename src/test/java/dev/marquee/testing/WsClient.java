package dev.marquee.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (Vert.x, its own event loop) that records every frame it receives, for
 * asserting on the protocol from outside the server.
 */
public final class WsClient implements AutoCloseable {
  private static final Vertx VERTX = Vertx.vertx();
  private static final WebSocketClient CLIENT =
      VERTX.createWebSocketClient(
          new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));

  /** A client whose socket buffers little, so a paused one backs up the server quickly. */
  private static final WebSocketClient SMALL_BUFFER_CLIENT =
      VERTX.createWebSocketClient(
          new WebSocketClientOptions()
              .setMaxFrameSize(1 << 20)
              .setMaxMessageSize(1 << 20)
              .setReceiveBufferSize(4096));

  public static final Duration WAIT = Duration.ofSeconds(5);

  private final WebSocket ws;
  private final java.util.LinkedList<JsonObject> frames = new java.util.LinkedList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private WsClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(
        text -> {
          synchronized (frames) {
            frames.add(new JsonObject(text));
            frames.notifyAll();
          }
        });
    ws.closeHandler(
        v -> closed.complete(ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode()));
  }

  public static WsClient connect(int port) {
    return connect(port, Map.of());
  }

  public static WsClient connect(int port, Map<String, String> headers) {
    return new WsClient(await(open(port, headers)));
  }

  /** A client with a tiny receive buffer, for slow-consumer tests. */
  public static WsClient connectSmallBuffer(int port) {
    return new WsClient(
        await(
            SMALL_BUFFER_CLIENT.connect(
                new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))));
  }

  /**
   * The raw attempt, for tests that expect the upgrade to be refused. Without an {@code Origin}
   * header the client sends the server's own origin, as a browser on that page would; an empty
   * {@code Origin} sends none at all, as native clients do.
   */
  public static Future<WebSocket> open(int port, Map<String, String> headers) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    headers.forEach(
        (name, value) -> {
          if (name.equalsIgnoreCase("Origin") && value.isEmpty()) {
            options.setAllowOriginHeader(false);
          } else {
            options.addHeader(name, value);
          }
        });
    return CLIENT.connect(options);
  }

  public WsClient send(JsonObject frame) {
    await(ws.writeTextMessage(frame.encode()));
    return this;
  }

  /** Sends without waiting for the write to complete (for races). */
  public WsClient sendAsync(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
    return this;
  }

  /** The next {@code ack} or {@code error}, skipping everything else. */
  public JsonObject nextAnswer() {
    return take(
        frame -> "ack".equals(frame.getString("type")) || "error".equals(frame.getString("type")),
        "an ack or error");
  }

  public WsClient sendRaw(String text) {
    await(ws.writeTextMessage(text));
    return this;
  }

  public WsClient sendBinary(byte[] data) {
    await(ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(data)));
    return this;
  }

  public JsonObject join(String session, String role, String name) {
    return join(new JsonObject().put("session", session).put("role", role).put("name", name));
  }

  /** Sends a join (type added) and returns the {@code joined} frame. */
  public JsonObject join(JsonObject join) {
    send(join.copy().put("type", "join"));
    JsonObject joined = next();
    assertThat(joined.getString("type")).as("answer to join: %s", joined).isEqualTo("joined");
    return joined;
  }

  /** The next frame, failing after {@link #WAIT}. */
  public JsonObject next() {
    return take(frame -> true, "a frame");
  }

  /**
   * The first unread frame of this type; frames of other types stay unread for later calls (so acks
   * and messages can be read independently).
   */
  public JsonObject next(String type) {
    return take(frame -> type.equals(frame.getString("type")), "a '" + type + "' frame");
  }

  /**
   * Reads {@code presence} frames until one with this {@code event} ({@code join}, {@code leave}),
   * which it returns; the presence frames before it are read too.
   */
  public JsonObject nextPresence(String event) {
    JsonObject presence = next("presence");
    while (!event.equals(presence.getString("event"))) {
      presence = next("presence");
    }
    return presence;
  }

  /** Asserts nothing of this type arrives within {@code quiet}. */
  public void assertNoFrame(String type, Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonObject frame : frames) {
          if (type.equals(frame.getString("type"))) {
            throw new AssertionError("unexpected frame " + frame);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        waitOn(left);
      }
    }
  }

  private JsonObject take(java.util.function.Predicate<JsonObject> wanted, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (frames) {
      while (true) {
        var it = frames.iterator();
        while (it.hasNext()) {
          JsonObject frame = it.next();
          if (wanted.test(frame)) {
            it.remove();
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + what + " within " + WAIT + "; unread: " + frames);
        }
        waitOn(left);
      }
    }
  }

  private void waitOn(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(frames, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Frames received and not yet read. */
  public int pending() {
    synchronized (frames) {
      return frames.size();
    }
  }

  /** Waits for the server to close the socket and returns the close code. */
  public int awaitClose() {
    return awaitClose(WAIT);
  }

  public int awaitClose(Duration wait) {
    try {
      return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + wait, e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** Stops reading from the socket, so the server's writes back up (a slow consumer). */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /** Closes from the client side (normal closure). */
  public void disconnect() {
    if (!closed.isDone()) {
      ws.close();
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
