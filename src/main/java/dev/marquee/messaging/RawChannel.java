package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty channel context under a server WebSocket, for writes that flush once per batch
 * (Vert.x's own writes flush each frame). Vert.x Web hands out its {@code ServerWebSocketWrapper},
 * whose socket is a private field: it is read once by reflection. When any of that is missing (a
 * Vert.x upgrade that moved it), {@link #of} answers null and connections write through Vert.x, one
 * flush per frame, as before.
 *
 * <p>It also gives the socket's Vert.x connection the direct write path ({@link #writeDirect}) and
 * lets go of the upgrade exchange Vert.x would keep for the socket's life ({@link
 * #releaseUpgrade}).
 */
final class RawChannel {
  private static final Logger log = LoggerFactory.getLogger(RawChannel.class);
  private static final String WRAPPER = "io.vertx.ext.web.impl.ServerWebSocketWrapper";
  private static final String BATCHES_OFF =
      "batched WebSocket writes unavailable; flushing every frame";
  private static final String DIRECT_OFF =
      "direct WebSocket writes unavailable; each socket keeps Vert.x's write queue";
  private static final Field DELEGATE =
      reach(BATCHES_OFF, () -> Class.forName(WRAPPER).getDeclaredField("delegate"));
  private static final Field QUEUE =
      reach(DIRECT_OFF, () -> VertxConnection.class.getDeclaredField("outboundMessageQueue"));
  private static final Constructor<?> DIRECT =
      reach(
          DIRECT_OFF,
          () ->
              Class.forName("io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue")
                  .getDeclaredConstructor(VertxConnection.class));

  private static final String UPGRADE_KEPT =
      "WebSocket upgrade exchanges not released; each socket keeps its upgrade request";
  private static final Field FACTORY =
      reach(UPGRADE_KEPT, () -> VertxHandler.class.getDeclaredField("connectionFactory"));
  private static final Method HEADERS =
      reach(
          UPGRADE_KEPT, () -> WebSocketImplBase.class.getDeclaredMethod("headers", MultiMap.class));

  private RawChannel() {}

  static ChannelHandlerContext of(ServerWebSocket ws) {
    Object socket = unwrap(ws);
    return socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
  }

  /**
   * Vert.x's own socket under Vert.x Web's wrapper (or {@code ws} itself); null when unreadable.
   */
  private static Object unwrap(ServerWebSocket ws) {
    try {
      if (DELEGATE != null && DELEGATE.getDeclaringClass().isInstance(ws)) {
        return DELEGATE.get(ws);
      }
      return ws;
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Switches the Vert.x connection under {@code channel} to the write path Vert.x gives HTTP
   * connections in strict thread mode: a write goes straight to the channel (Netty's outbound
   * buffer, bounded by the channel's water marks) instead of through a queue that accepts writes
   * from any thread. Vert.x 5 builds that queue for every server WebSocket whatever the mode: a
   * chunk of 1,024 slots, over 4 KiB per socket, as much as the rest of an idle socket. Marquee
   * writes each socket only on its own event loop (and Vert.x asserts that on the direct path), so
   * the queue only cost memory. Answers whether the switch was made; the socket works either way.
   */
  static boolean writeDirect(ChannelHandlerContext channel) {
    if (QUEUE == null
        || DIRECT == null
        || !(channel.handler() instanceof VertxHandler<?> handler)) {
      return false;
    }
    VertxConnection connection = handler.getConnection();
    if (connection == null || !channel.executor().inEventLoop()) {
      return false;
    }
    try {
      QUEUE.set(connection, DIRECT.newInstance(connection));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Lets go of the upgrade exchange under {@code ws}. Vert.x builds a socket's connection with a
   * function that holds the upgrade's handshaker, and through it the HTTP request, response, their
   * headers and the HTTP connection the upgrade replaced; the channel's handler keeps that function
   * for the socket's life although it calls it once, when the handler is added. The socket itself
   * keeps the request's headers for {@link ServerWebSocket#headers()}, which Marquee reads from the
   * request before the upgrade and never after. Dropping both frees over a third of an idle
   * socket's heap. Answers whether both were dropped; the socket works either way.
   */
  static boolean releaseUpgrade(ServerWebSocket ws, ChannelHandlerContext channel) {
    if (FACTORY == null
        || HEADERS == null
        || !(unwrap(ws) instanceof WebSocketImplBase<?> socket)
        || !(channel.handler() instanceof VertxHandler<?> handler)
        || handler.getConnection() == null) {
      return false;
    }
    try {
      FACTORY.set(handler, null);
      HEADERS.invoke(socket, (MultiMap) null);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  private interface Lookup<T extends AccessibleObject> {
    T find() throws ReflectiveOperationException;
  }

  /** A private member of Vert.x made accessible, or null (said once, with why) when it is gone. */
  private static <T extends AccessibleObject> T reach(String unavailable, Lookup<T> lookup) {
    try {
      T member = lookup.find();
      member.setAccessible(true);
      return member;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn(unavailable, kv("reason", String.valueOf(e)));
      return null;
    }
  }
}
