package dev.marquee.ratelimit;

import dev.marquee.config.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The key a client IP is limited by: IPv4 addresses as they are (IPv4-mapped IPv6 unmapped), IPv6
 * addresses by their /64, since one subscriber usually holds a whole /64.
 */
public final class ClientIp {
  private ClientIp() {}

  /**
   * The client's address: the socket's peer, unless the peer is a trusted proxy, in which case the
   * nearest address in {@code X-Forwarded-For} that is not itself a trusted proxy (walking from the
   * right, since a client can write anything on the left).
   */
  public static String resolve(String peer, String forwardedFor, List<Cidr> trusted) {
    if (trusted.isEmpty() || forwardedFor == null || !isTrusted(peer, trusted)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String candidate = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty() || !looksLikeLiteral(stripBrackets(hop))) {
        break;
      }
      candidate = stripBrackets(hop);
      if (!isTrusted(candidate, trusted)) {
        return candidate;
      }
    }
    return candidate;
  }

  private static boolean isTrusted(String address, List<Cidr> trusted) {
    if (address == null || !looksLikeLiteral(stripBrackets(address))) {
      return false;
    }
    try {
      InetAddress ip = InetAddress.getByName(stripBrackets(address));
      for (Cidr range : trusted) {
        if (range.contains(ip)) {
          return true;
        }
      }
      return false;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String stripBrackets(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }

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
