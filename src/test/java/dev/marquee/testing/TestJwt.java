package dev.marquee.testing;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JWTs made the way a sign-in provider makes them, with the JDK's own crypto (not the library the
 * server verifies with), and the JWKS entries of test keys.
 */
public final class TestJwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestJwt() {}

  /** Supabase-like claims for {@code sub}, valid for an hour from now. */
  public static JsonObject claims(String sub, String fullName) {
    long now = Instant.now().getEpochSecond();
    JsonObject claims =
        new JsonObject()
            .put("sub", sub)
            .put("aud", "authenticated")
            .put("role", "authenticated")
            .put("email", "someone@example.com")
            .put("iat", now)
            .put("exp", now + 3600);
    if (fullName != null) {
      claims.put("user_metadata", new JsonObject().put("full_name", fullName));
    }
    return claims;
  }

  public static String hs256(String secret, JsonObject claims) {
    String input =
        part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input
          + "."
          + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs with RS256 or ES256 (raw R||S, as JWS wants), naming {@code kid} in the header. */
  public static String signed(String alg, PrivateKey key, String kid, JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid);
    String input = part(header) + "." + part(claims);
    try {
      Signature s =
          Signature.getInstance(
              alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}) with an empty or bogus signature part. */
  public static String unsigned(JsonObject claims, String signature) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT"))
        + "."
        + part(claims)
        + "."
        + signature;
  }

  public static KeyPair rsaKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public half as a JWKS entry. */
  public static JsonObject jwk(KeyPair pair, String kid) {
    if (pair.getPublic() instanceof RSAPublicKey rsa) {
      return new JsonObject()
          .put("kty", "RSA")
          .put("kid", kid)
          .put("use", "sig")
          .put("alg", "RS256")
          .put("n", unsigned(rsa.getModulus()))
          .put("e", unsigned(rsa.getPublicExponent()));
    }
    ECPublicKey ec = (ECPublicKey) pair.getPublic();
    return new JsonObject()
        .put("kty", "EC")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "ES256")
        .put("crv", "P-256")
        .put("x", coordinate(ec.getW().getAffineX()))
        .put("y", coordinate(ec.getW().getAffineY()));
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String unsigned(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return B64.encodeToString(bytes);
  }

  private static String coordinate(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return B64.encodeToString(out);
  }
}
