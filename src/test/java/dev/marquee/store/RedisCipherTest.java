package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.config.EncryptionKeys;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RedisCipherTest {
  static String key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void sealedTextOpensToTheSameTextAndShowsNothingOfIt() {
    RedisCipher cipher = cipher(key());
    String text = "Grüße from the 🎉 lobby, \"quoted\" <b>and</b> all";
    String sealed = cipher.seal(text);
    assertThat(sealed).startsWith("~1:").doesNotContain("lobby").doesNotContain("Grüße");
    assertThat(cipher.seal(text)).as("a fresh IV every time").isNotEqualTo(sealed);
    assertThat(cipher.open(sealed)).isEqualTo(text);
  }

  @Test
  void rotationKeepsOldTextReadableAndSealsWithTheNewKey() {
    String oldKey = key();
    String newKey = key();
    String sealedBefore = cipher(oldKey).seal("before");
    RedisCipher rotated = cipher(newKey + "," + oldKey);
    assertThat(rotated.open(sealedBefore)).isEqualTo("before");
    String sealedAfter = rotated.seal("after");
    assertThat(sealedAfter).contains(rotated.keyIds().get(0));
    assertThat(cipher(newKey).open(sealedAfter)).isEqualTo("after");
    assertThatThrownBy(() -> cipher(newKey).open(sealedBefore)).hasMessageContaining("not listed");
  }

  @Test
  void plainTextWrittenBeforeEncryptionStaysReadable() {
    assertThat(cipher(key()).open("written in the clear")).isEqualTo("written in the clear");
    assertThat(RedisCipher.none().seal("x")).isEqualTo("x");
    assertThat(RedisCipher.none().open("~1:abcd:zzz")).isEqualTo("~1:abcd:zzz");
  }

  @Test
  void tamperingIsDetected() {
    RedisCipher cipher = cipher(key());
    String sealed = cipher.seal("pay Bob 10");
    char last = sealed.charAt(sealed.length() - 2);
    String tampered =
        sealed.substring(0, sealed.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + sealed.charAt(sealed.length() - 1);
    assertThatThrownBy(() -> cipher.open(tampered)).hasMessageContaining("does not open");
  }

  @Test
  void badKeyListsSayWhatIsWrong() {
    assertThatThrownBy(() -> cipher("not base64!")).hasMessageContaining("base64");
    assertThatThrownBy(() -> cipher(Base64.getEncoder().encodeToString(new byte[16])))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> cipher(" , ")).hasMessageContaining("no key");
  }

  static RedisCipher cipher(String keys) {
    return RedisCipher.of(EncryptionKeys.parse(keys));
  }
}
