package dev.marquee.store;

import dev.marquee.config.EncryptionKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts what users wrote (message text, names, titles) before it is kept in Redis, with
 * AES-256-GCM under {@code REDIS_ENCRYPTION_KEY}. The first key encrypts; every listed key
 * decrypts, so a key is rotated by putting the new one first and dropping the old one once
 * everything it sealed has expired from Redis (25 h at most: a session's lifetime plus an hour).
 *
 * <p>Sealed text reads {@code ~1:<key id>:<base64url(iv | ciphertext | tag)>}; anything else is
 * returned as it is, so data written before encryption was turned on stays readable.
 */
public final class RedisCipher {
  private static final String MARK = "~1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final RedisCipher NONE = new RedisCipher(new LinkedHashMap<>());

  /** Looking a cipher up costs more than using it; each thread keeps one. */
  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("AES-GCM is part of every JDK", e);
            }
          });

  private final Map<String, SecretKeySpec> keys;
  private final String currentId;

  private RedisCipher(Map<String, SecretKeySpec> keys) {
    this.keys = keys;
    this.currentId = keys.isEmpty() ? null : keys.keySet().iterator().next();
  }

  /** No encryption: seal and open return their input. */
  public static RedisCipher none() {
    return NONE;
  }

  public static RedisCipher of(EncryptionKeys configured) {
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    for (byte[] key : configured.keys()) {
      keys.put(id(key), new SecretKeySpec(key, "AES"));
    }
    return new RedisCipher(keys);
  }

  public boolean enabled() {
    return currentId != null;
  }

  /** Ids of the keys, the encrypting one first (safe to log). */
  public List<String> keyIds() {
    return new ArrayList<>(keys.keySet());
  }

  public String seal(String plain) {
    if (currentId == null || plain == null) {
      return plain;
    }
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed);
      return MARK
          + currentId
          + ":"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * The plain text of {@code stored}; unsealed input is returned as it is.
   *
   * @throws IllegalStateException when it is sealed under a key no longer listed, or tampered with
   */
  public String open(String stored) {
    if (stored == null || !stored.startsWith(MARK) || keys.isEmpty()) {
      return stored;
    }
    int colon = stored.indexOf(':', MARK.length());
    if (colon < 0) {
      return stored;
    }
    SecretKeySpec key = keys.get(stored.substring(MARK.length(), colon));
    if (key == null) {
      throw new IllegalStateException(
          "sealed with key " + stored.substring(MARK.length(), colon) + ", which is not listed");
    }
    try {
      byte[] all = Base64.getUrlDecoder().decode(stored.substring(colon + 1));
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      byte[] plain = cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("sealed text does not open (tampered, or the wrong key)");
    }
  }

  private static String id(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
