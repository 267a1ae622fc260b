package dev.marquee.messaging;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything written to one socket, and the two signs that its client has stopped taking it: the
 * bytes it has not taken pass {@code WS_WRITE_QUEUE_MAX_BYTES}, or it leaves a ping unanswered for
 * {@code WS_STALL_TIMEOUT_MS}. Either hands the socket to {@code slow} (closed with 4001). Confined
 * to the socket's event loop.
 *
 * <p>The byte bound alone would take minutes to trip at a modest message rate: the kernel's buffers
 * on both sides take hundreds of KiB before the channel even reports itself unwritable. So a socket
 * written to since its last ping gets a WebSocket ping (at most every half time-out, and only while
 * it is sent something: idle sockets cost nothing); every client answers pings on its own (browsers
 * do it below the page), and a pong, queued behind what was written before the ping, proves the
 * client is reading.
 */
final class SocketWriter {
  private static final Buffer PING = Buffer.buffer("m");

  private final ServerWebSocket ws;
  private final ChannelHandlerContext channel;
  private final long stallTimeoutMs;
  private final Consumer<String> slow;
  private boolean unflushed;
  private boolean wroteSincePing;
  private long pingSentAt = -1;
  private long lastPingAt = Long.MIN_VALUE / 2;

  SocketWriter(ServerWebSocket ws, long stallTimeoutMs, Consumer<String> slow) {
    this.ws = ws;
    this.channel = RawChannel.of(ws);
    if (channel != null) {
      RawChannel.writeDirect(channel);
      RawChannel.releaseUpgrade(ws, channel);
    }
    this.stallTimeoutMs = stallTimeoutMs;
    this.slow = slow;
    ws.pongHandler(b -> pingSentAt = -1);
  }

  /**
   * Writes one frame; false when the socket is over its bound, which hands it to {@code slow}.
   *
   * <p>With {@code batch} (a room's fan-out) and the socket's Netty channel at hand, the frame is
   * written without a flush and this writer added to {@code batch} once, so the room flushes it
   * after its batch ({@link #flush}): one syscall for all the frames of a batch. Written on the
   * channel's own event loop, in the same channel as Vert.x's writes, so order is kept; a close or
   * any other write flushes it too.
   */
  boolean write(String text, byte[] utf8, List<SocketWriter> batch) {
    boolean batched = batch != null && channel != null;
    if (channel == null ? ws.writeQueueFull() : !writableFlushing()) {
      slow.accept("queue");
      return false;
    }
    wroteSincePing = true;
    if (batched) {
      channel.write(
          new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(utf8)), channel.voidPromise());
      if (!unflushed) {
        unflushed = true;
        batch.add(this);
      }
      return true;
    }
    ws.writeTextMessage(text);
    return true;
  }

  /** Flushes what {@link #write} left unflushed. */
  void flush() {
    if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }

  /**
   * Whether the channel takes more bytes, after flushing what this batch left unflushed: the bound
   * ({@code WS_WRITE_QUEUE_MAX_BYTES}, the channel's high-water mark) counts only bytes the client
   * has not taken. Vert.x's own writes on this socket go straight to the channel too ({@link
   * RawChannel#writeDirect}), so every frame reaches the channel in the order it was written; where
   * that switch is unavailable, Vert.x holds frames back only while the channel is not writable and
   * drains them as soon as it is writable again, so a batched frame, written only to a writable
   * channel, still never overtakes one Vert.x holds (a {@code joined} or a replay written before).
   */
  private boolean writableFlushing() {
    if (channel.channel().isWritable()) {
      return true;
    }
    flush();
    return channel.channel().isWritable();
  }

  /**
   * Run about once a second by the socket's loop: pings a socket written to since its last ping (at
   * most every half time-out), and hands to {@code slow} one whose ping has waited for its pong for
   * the whole time-out.
   */
  void checkStall(long nowMs) {
    if (pingSentAt >= 0) {
      if (nowMs - pingSentAt >= stallTimeoutMs) {
        pingSentAt = -1;
        slow.accept("stalled");
      }
      return;
    }
    if (wroteSincePing && nowMs - lastPingAt >= stallTimeoutMs / 2) {
      wroteSincePing = false;
      pingSentAt = nowMs;
      lastPingAt = nowMs;
      ws.writePing(PING);
    }
  }
}
