package dev.marquee.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key a client IP is limited by: IPv4 addresses as they are (IPv4-mapped IPv6 unmapped), IPv6
 * addresses by their /64, since one subscriber usually holds a whole /64.
 */
public final class ClientIp {
  private ClientIp() {}

  public static String key(String address) {
    if (address == null || address.isEmpty()) {
      return "unknown";
    }
    String literal = address;
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (!looksLikeLiteral(literal)) {
      return "unknown";
    }
    try {
      // A literal never triggers a name lookup.
      InetAddress ip = InetAddress.getByName(literal);
      if (ip instanceof Inet4Address) {
        return ip.getHostAddress();
      }
      if (ip instanceof Inet6Address) {
        byte[] b = ip.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
          if (i > 0) {
            prefix.append(':');
          }
          prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
        }
        return prefix.append("::/64").toString();
      }
    } catch (UnknownHostException e) {
      return "unknown";
    }
    return "unknown";
  }

  private static boolean looksLikeLiteral(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
