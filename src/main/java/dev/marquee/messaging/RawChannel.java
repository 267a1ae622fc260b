package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty channel context under a server WebSocket, for writes that flush once per batch
 * (Vert.x's own writes flush each frame). Vert.x Web hands out its {@code ServerWebSocketWrapper},
 * whose socket is a private field: it is read once by reflection. When any of that is missing (a
 * Vert.x upgrade that moved it), {@link #of} answers null and connections write through Vert.x, one
 * flush per frame, as before.
 */
final class RawChannel {
  private static final Logger log = LoggerFactory.getLogger(RawChannel.class);
  private static final String WRAPPER = "io.vertx.ext.web.impl.ServerWebSocketWrapper";
  private static final Field DELEGATE = delegateField();

  private RawChannel() {}

  static ChannelHandlerContext of(ServerWebSocket ws) {
    Object socket = ws;
    try {
      if (DELEGATE != null && DELEGATE.getDeclaringClass().isInstance(ws)) {
        socket = DELEGATE.get(ws);
      }
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
    return socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
  }

  private static Field delegateField() {
    try {
      Field field = Class.forName(WRAPPER).getDeclaredField("delegate");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn(
          "batched WebSocket writes unavailable; flushing every frame",
          kv("reason", String.valueOf(e)));
      return null;
    }
  }
}
