package dev.marquee.messaging;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Collects a text message's frames and decodes it strictly: bytes that are not UTF-8 must close the
 * socket with 1007 (RFC 6455, 8.1) instead of reaching the decoder as U+FFFD, which Vert.x's own
 * text handler would hand over.
 */
final class TextAssembler {
  /** What {@link #add} returns for a message whose bytes are not UTF-8 (compared by identity). */
  static final String NOT_UTF8 = new String("not UTF-8");

  private Buffer bytes;

  /**
   * Takes one frame: the message's text once its final frame arrived, {@link #NOT_UTF8} when its
   * bytes do not decode, else null (more frames to come, a binary or control frame, or a message
   * over the size limit, which Vert.x reports on its own).
   */
  String add(WebSocketFrame frame) {
    if (frame.isText()) {
      bytes = Buffer.buffer();
    } else if (!frame.isContinuation() || bytes == null) {
      if (frame.isBinary()) {
        bytes = null;
      }
      return null;
    }
    bytes.appendBuffer(frame.binaryData());
    if (bytes.length() > WebSocketRoutes.MAX_MESSAGE_BYTES) {
      bytes = null; // Vert.x reports it too: closed with 1009
      return null;
    }
    if (!frame.isFinal()) {
      return null;
    }
    byte[] message = bytes.getBytes();
    bytes = null;
    String text = FrameDecoder.utf8(message);
    return text == null ? NOT_UTF8 : text;
  }

  /** Drops a message half collected (the socket is closing). */
  void reset() {
    bytes = null;
  }
}
