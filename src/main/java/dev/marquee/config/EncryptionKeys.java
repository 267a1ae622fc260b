package dev.marquee.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code REDIS_ENCRYPTION_KEY}: comma-separated base64 of 32 random bytes each ({@code openssl rand
 * -base64 32}), the encrypting key first. Never printed.
 */
public record EncryptionKeys(List<byte[]> keys) {

  public EncryptionKeys {
    keys = List.copyOf(keys);
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the list
   */
  public static EncryptionKeys parse(String raw) {
    List<byte[]> keys = new ArrayList<>();
    for (String part : raw.split(",")) {
      String encoded = part.trim();
      if (encoded.isEmpty()) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(encoded);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a key is not base64");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException(
            "each key must be 32 bytes (base64 of 32 random bytes: openssl rand -base64 32)");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("lists no key");
    }
    return new EncryptionKeys(keys);
  }

  @Override
  public String toString() {
    return keys.size() + " key(s)";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EncryptionKeys other) || other.keys.size() != keys.size()) {
      return false;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (!java.util.Arrays.equals(keys.get(i), other.keys.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (byte[] k : keys) {
      h = 31 * h + java.util.Arrays.hashCode(k);
    }
    return h;
  }
}
