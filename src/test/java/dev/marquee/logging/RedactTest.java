package dev.marquee.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactTest {

  @ParameterizedTest
  @CsvSource({
    "203.0.113.7, 203.0.113.x",
    "10.0.0.255, 10.0.0.x",
    "' 192.168.1.20 ', 192.168.1.x",
    "2001:db8:85a3:8d3:1319:8a2e:370:7348, 2001:db8:85a3::x",
    "2001:0DB8:0000::1, 2001:db8:0::x",
    "[2001:db8::1], 2001:db8:0::x",
    "fe80::1%eth0, fe80:0:0::x",
    "::1, 0:0:0::x",
    "::ffff:203.0.113.7, 203.0.113.x",
    "::FFFF:cb00:7107, 203.0.113.x",
    "0:0:0:0:0:ffff:203.0.113.7, 203.0.113.x",
  })
  void addressesKeepOnlyTheirNetwork(String address, String expected) {
    assertThat(Redact.ip(address)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "garbage",
        "example.com",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.-4",
        "203.0.113.7:8080",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::1",
        "::ffff:1.2.3",
        "1.2.3.4::",
        "g::1",
        "\n203.0.113.7\r\nforged",
      })
  void anythingElseIsUnknown(String address) {
    assertThat(Redact.ip(address)).isEqualTo("unknown");
  }

  @Test
  void tokensRevealNothing() {
    assertThat(Redact.token("s3cret-admin-token-1234")).isEqualTo("***");
    assertThat(Redact.token("x")).isEqualTo("***");
  }
}
