package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.Router;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reach under Vert.x's server WebSocket that the fan-out relies on, against a real Vert.x
 * server and client: the Netty channel behind Vert.x Web's wrapper, and the switch of the socket's
 * connection to Vert.x's direct write path (no per-socket multi-producer queue), with frames
 * written through Vert.x and straight to the channel arriving in the order they were written; and
 * the release of the upgrade exchange, after which the replaced HTTP connection is garbage and the
 * socket still reads, writes and closes.
 */
class RawChannelTest {
  private Vertx vertx;
  private HttpServer server;
  private WebSocketClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void switchesServerWebSocketsToDirectWritesAndKeepsTheirOrder() throws Exception {
    CompletableFuture<String> queueBefore = new CompletableFuture<>();
    CompletableFuture<Boolean> switched = new CompletableFuture<>();
    CompletableFuture<String> queueAfter = new CompletableFuture<>();
    CompletableFuture<Boolean> offLoop = new CompletableFuture<>();
    Router router = Router.router(vertx);
    router
        .route("/ws")
        .handler(
            ctx ->
                ctx.request()
                    .toWebSocket()
                    .onSuccess(
                        ws -> {
                          ChannelHandlerContext channel = RawChannel.of(ws);
                          queueBefore.complete(queueClass(channel));
                          new Thread(() -> offLoop.complete(RawChannel.writeDirect(channel)))
                              .start();
                          offLoop.join();
                          switched.complete(RawChannel.writeDirect(channel));
                          queueAfter.complete(queueClass(channel));
                          ws.writeTextMessage("1");
                          channel.write(new TextWebSocketFrame("2"), channel.voidPromise());
                          ws.writeTextMessage("3");
                          channel.writeAndFlush(new TextWebSocketFrame("4"));
                          ws.writeTextMessage("5");
                        }));
    listen(router);

    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> five = new CompletableFuture<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(
        text -> {
          received.add(text);
          if (received.size() == 5) {
            five.complete(null);
          }
        });
    connect(ws);

    assertThat(queueBefore.get(10, TimeUnit.SECONDS)).endsWith("$InternalMessageChannel");
    assertThat(offLoop.get(10, TimeUnit.SECONDS)).as("refused off the socket's loop").isFalse();
    assertThat(switched.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(queueAfter.get(10, TimeUnit.SECONDS)).endsWith("$DirectOutboundMessageQueue");
    five.get(10, TimeUnit.SECONDS);
    assertThat(received).containsExactly("1", "2", "3", "4", "5");
  }

  @Test
  void releasesTheUpgradeExchangeAndTheSocketStillWorks() throws Exception {
    CompletableFuture<WeakReference<Object>> httpConnection = new CompletableFuture<>();
    CompletableFuture<Boolean> headersBefore = new CompletableFuture<>();
    CompletableFuture<Boolean> released = new CompletableFuture<>();
    CompletableFuture<Boolean> headersAfter = new CompletableFuture<>();
    CompletableFuture<Void> serverClosed = new CompletableFuture<>();
    Router router = Router.router(vertx);
    router
        .route("/ws")
        .handler(
            ctx -> {
              httpConnection.complete(new WeakReference<>(ctx.request().connection()));
              ctx.request()
                  .toWebSocket()
                  .onSuccess(
                      ws -> {
                        headersBefore.complete(ws.headers() != null);
                        released.complete(RawChannel.releaseUpgrade(ws, RawChannel.of(ws)));
                        headersAfter.complete(ws.headers() != null);
                        ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text));
                        ws.closeHandler(v -> serverClosed.complete(null));
                      });
            });
    listen(router);

    CompletableFuture<String> echo = new CompletableFuture<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(echo::complete);
    connect(ws);

    assertThat(headersBefore.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(released.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(headersAfter.get(10, TimeUnit.SECONDS)).isFalse();
    // The HTTP connection the upgrade replaced is garbage while the socket is open.
    WeakReference<Object> replaced = httpConnection.get(10, TimeUnit.SECONDS);
    Eventually.until(
        Duration.ofSeconds(10),
        () -> {
          System.gc();
          return replaced.get() == null;
        },
        "the replaced HTTP connection collected");

    ws.writeTextMessage("hi");
    assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("echo hi");
    ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    serverClosed.get(10, TimeUnit.SECONDS);
  }

  private void listen(Router router) throws Exception {
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(router)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  private void connect(ClientWebSocket ws) throws Exception {
    ws.connect(server.actualPort(), "127.0.0.1", "/ws")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static String queueClass(ChannelHandlerContext channel) {
    try {
      VertxConnection connection = ((VertxHandler<?>) channel.handler()).getConnection();
      Field queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      return queue.get(connection).getClass().getName();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
