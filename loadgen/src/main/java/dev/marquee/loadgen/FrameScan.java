package dev.marquee.loadgen;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the few fields the generator needs from a server frame's bytes without decoding it: the
 * server writes {@code type} first, and every {@code message} frame carries {@code seq} and a
 * {@code text} that, for the generator's own messages, starts with the send time in nanoseconds.
 * Rare frames (joined, error) are decoded as JSON instead.
 */
final class FrameScan {
  private static final byte[] TYPE_MESSAGE = bytes("{\"type\":\"message\"");
  private static final byte[] TYPE_ACK = bytes("{\"type\":\"ack\"");
  private static final byte[] SEQ = bytes("\"seq\":");
  private static final byte[] TEXT = bytes("\"text\":\"");

  private FrameScan() {}

  static boolean isMessage(Buffer b) {
    return startsWith(b, TYPE_MESSAGE);
  }

  static boolean isAck(Buffer b) {
    return startsWith(b, TYPE_ACK);
  }

  /** The {@code seq} field, or -1 when absent. */
  static long seq(Buffer b) {
    int at = indexOf(b, SEQ, 0);
    return at < 0 ? -1 : digits(b, at + SEQ.length);
  }

  /** The leading digits of {@code text} (the send time), or -1 when the text has none. */
  static long sentNanos(Buffer b) {
    int at = indexOf(b, TEXT, 0);
    return at < 0 ? -1 : digits(b, at + TEXT.length);
  }

  private static long digits(Buffer b, int from) {
    long v = 0;
    int n = 0;
    for (int i = from; i < b.length(); i++) {
      byte c = b.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      n++;
    }
    return n == 0 || n > 18 ? -1 : v;
  }

  private static boolean startsWith(Buffer b, byte[] prefix) {
    if (b.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b.getByte(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(Buffer b, byte[] needle, int from) {
    int last = b.length() - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
