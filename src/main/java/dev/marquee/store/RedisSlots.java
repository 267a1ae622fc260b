package dev.marquee.store;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's key-to-slot function (CRC16/XMODEM of the hash tag, modulo 16384), for the few
 * keys that must land in chosen slots rather than follow a session.
 */
public final class RedisSlots {
  public static final int COUNT = 16_384;

  private RedisSlots() {}

  /** The slot of a key: of its hash tag if it has a non-empty one, else of the whole key. */
  public static int of(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        key = key.substring(open + 1, close);
      }
    }
    return crc16(key.getBytes(StandardCharsets.UTF_8)) % COUNT;
  }

  /** A short hash tag (without braces) whose keys live in {@code slot}. */
  public static String tagFor(int slot) {
    for (int n = 0; ; n++) {
      String tag = Integer.toString(n, 36);
      if (of(tag) == slot) {
        return tag;
      }
    }
  }

  private static int crc16(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc ^= (b & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }
}
