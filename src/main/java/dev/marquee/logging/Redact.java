package dev.marquee.logging;

import java.util.Locale;

/**
 * Shortens values that would identify a person or grant access before they reach a log line.
 * Addresses are parsed by hand, never with {@link java.net.InetAddress}, which would resolve a host
 * name over DNS; the output is rebuilt from the parsed numbers, so input can never leak through.
 */
public final class Redact {

  static final String UNKNOWN = "unknown";

  private Redact() {}

  /**
   * {@code 203.0.113.7} becomes {@code 203.0.113.x}; {@code 2001:db8:85a3::7} becomes {@code
   * 2001:db8:85a3::x} (the /48, roughly one site); {@code ::ffff:203.0.113.7} counts as IPv4.
   * Brackets and a zone ({@code %eth0}) are ignored. Null or anything unparsable is {@code
   * "unknown"}.
   */
  public static String ip(String address) {
    if (address == null) {
      return UNKNOWN;
    }
    String text = address.trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    int zone = text.indexOf('%');
    if (zone >= 0) {
      text = text.substring(0, zone);
    }
    int[] v4 = ipv4(text);
    if (v4 != null) {
      return v4[0] + "." + v4[1] + "." + v4[2] + ".x";
    }
    int[] v6 = ipv6(text);
    if (v6 == null) {
      return UNKNOWN;
    }
    if (v6[0] == 0 && v6[1] == 0 && v6[2] == 0 && v6[3] == 0 && v6[4] == 0 && v6[5] == 0xffff) {
      return (v6[6] >> 8) + "." + (v6[6] & 0xff) + "." + (v6[7] >> 8) + ".x";
    }
    return String.format(Locale.ROOT, "%x:%x:%x::x", v6[0], v6[1], v6[2]);
  }

  /** Always {@code "***"}: not even the length or a prefix of a secret belongs in a log. */
  public static String token(String token) {
    return "***";
  }

  /** Four decimal octets, or null. */
  private static int[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    int[] octets = new int[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Redact::isDigit)) {
        return null;
      }
      octets[i] = Integer.parseInt(part);
      if (octets[i] > 255) {
        return null;
      }
    }
    return octets;
  }

  /** Eight 16-bit groups, expanding {@code ::} and a trailing dotted IPv4; or null. */
  private static int[] ipv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    int[] head = groups(gap >= 0 ? text.substring(0, gap) : text, gap < 0);
    int[] tail = gap >= 0 ? groups(text.substring(gap + 2), true) : new int[0];
    if (head == null || tail == null) {
      return null;
    }
    int missing = 8 - head.length - tail.length;
    if (gap >= 0 ? missing < 1 : missing != 0) {
      return null;
    }
    int[] all = new int[8];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
    return all;
  }

  /** Colon-separated hex groups; the last may be dotted IPv4 when {@code last} says it ends. */
  private static int[] groups(String text, boolean last) {
    if (text.isEmpty()) {
      return new int[0];
    }
    String[] parts = text.split(":", -1);
    boolean dotted = last && parts[parts.length - 1].contains(".");
    int[] out = new int[parts.length + (dotted ? 1 : 0)];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (dotted && i == parts.length - 1) {
        int[] v4 = ipv4(part);
        if (v4 == null) {
          return null;
        }
        out[i] = v4[0] << 8 | v4[1];
        out[i + 1] = v4[2] << 8 | v4[3];
      } else if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(Redact::isHex)) {
        return null;
      } else {
        out[i] = Integer.parseInt(part, 16);
      }
    }
    return out;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
