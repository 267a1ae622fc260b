package dev.marquee.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClientIdTest {
  /** The rule as PROTOCOL.md writes it; the loop must agree with it on every character. */
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Test
  void acceptsExactlyTheProtocolsCharactersAndLengths() {
    assertThat(ClientId.valid("a")).isTrue();
    assertThat(ClientId.valid("Phone-1.b_c:d")).isTrue();
    assertThat(ClientId.valid("x".repeat(64))).isTrue();
    assertThat(ClientId.valid("x".repeat(65))).isFalse();
    assertThat(ClientId.valid("")).isFalse();
    assertThat(ClientId.valid("no spaces")).isFalse();
    assertThat(ClientId.valid("café")).isFalse();
    assertThat(ClientId.valid(null)).isFalse();
    assertThat(ClientId.valid(42)).isFalse();
  }

  @Test
  void agreesWithTheRegexOnEveryCharBelow0x3000() {
    for (char c = 0; c < 0x3000; c++) {
      String id = "a" + c;
      assertThat(ClientId.valid(id)).as("U+%04X", (int) c).isEqualTo(RULE.matcher(id).matches());
    }
  }
}
