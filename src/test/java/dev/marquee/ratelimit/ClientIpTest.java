package dev.marquee.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIpTest {
  static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));

  @Test
  void ipv4IsKeptAndMappedIpv6IsUnmapped() {
    assertThat(ClientIp.key("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientIp.key("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void ipv6IsGroupedBySlash64() {
    assertThat(ClientIp.key("2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientIp.key("[2001:db8:1:2:bbbb::9]")).isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void garbageIsUnknownAndNeverLookedUp() {
    assertThat(ClientIp.key("example.com")).isEqualTo("unknown");
    assertThat(ClientIp.key(null)).isEqualTo("unknown");
  }

  @Test
  void forwardedForCountsOnlyBehindATrustedProxy() {
    assertThat(ClientIp.resolve("198.51.100.1", "203.0.113.7", PROXIES))
        .as("an untrusted peer cannot claim another address")
        .isEqualTo("198.51.100.1");
    assertThat(ClientIp.resolve("10.1.2.3", "203.0.113.7", PROXIES)).isEqualTo("203.0.113.7");
    assertThat(ClientIp.resolve("10.1.2.3", "1.1.1.1, 203.0.113.7, 10.9.9.9", PROXIES))
        .as("the nearest untrusted hop, not what the client wrote on the left")
        .isEqualTo("203.0.113.7");
    assertThat(ClientIp.resolve("10.1.2.3", null, PROXIES)).isEqualTo("10.1.2.3");
    assertThat(ClientIp.resolve("10.1.2.3", "203.0.113.7", List.of())).isEqualTo("10.1.2.3");
    assertThat(ClientIp.resolve("fd00::1", "2001:db8::5", PROXIES)).isEqualTo("2001:db8::5");
  }

  @Test
  void cidrsMatchTheirRangeOnly() throws Exception {
    Cidr range = Cidr.parse("192.168.4.0/22");
    assertThat(range.contains(java.net.InetAddress.getByName("192.168.7.255"))).isTrue();
    assertThat(range.contains(java.net.InetAddress.getByName("192.168.8.0"))).isFalse();
    assertThat(range.contains(java.net.InetAddress.getByName("::1"))).isFalse();
  }
}
