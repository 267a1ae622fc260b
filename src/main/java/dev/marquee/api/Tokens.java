package dev.marquee.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Bearer tokens: made unguessable, stored only as SHA-256 hashes, compared in constant time. */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** 256 random bits, URL-safe. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Whether {@code token} hashes to {@code expectedHash}, in time independent of where they differ.
   */
  public static boolean matches(String token, byte[] expectedHash) {
    return token != null && MessageDigest.isEqual(hash(token), expectedHash);
  }

  /** Whether {@code token} equals the configured secret, compared through their hashes. */
  public static boolean matches(String token, Optional<String> secret) {
    return token != null && secret.isPresent() && matches(token, hash(secret.get()));
  }

  /** The token of an {@code Authorization: Bearer ...} header value, if there is one. */
  public static Optional<String> bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
