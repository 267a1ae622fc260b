package dev.marquee.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signed-in users (docs/auth.md). Off when neither key source is set; with both, a token signed by
 * either is accepted (HS256 by the secret, the asymmetric algorithms by the JWKS).
 */
public record Jwt(
    Optional<String> secret,
    Optional<URI> jwksUrl,
    List<String> audiences,
    Optional<String> issuer) {

  public static final String DEFAULT_JWT_AUDIENCE = "authenticated";

  /** RFC 7518 3.2: an HS256 key must be at least as long as the hash, 256 bits. */
  public static final int MIN_JWT_SECRET_LENGTH = 32;

  public boolean enabled() {
    return secret.isPresent() || jwksUrl.isPresent();
  }

  /** Which key sources are set, as the start-up log shows it: off, secret, jwks or both. */
  String keySources() {
    if (!enabled()) {
      return "off";
    }
    if (secret.isPresent() && jwksUrl.isPresent()) {
      return "secret and jwks";
    }
    return secret.isPresent() ? "secret" : "jwks";
  }

  /** Never shows the secret, so a config in an assertion message or a log line stays safe. */
  @Override
  public String toString() {
    return "Jwt[secret="
        + (secret.isPresent() ? "set" : "unset")
        + ", jwksUrl="
        + jwksUrl.map(URI::toString).orElse("unset")
        + ", audiences="
        + audiences
        + ", issuer="
        + issuer.orElse("unset")
        + "]";
  }

  /** Reads the JWT_* variables; problems go to {@code r}, which the caller reports at once. */
  static Jwt read(EnvReader r) {
    Optional<String> secret = r.string("JWT_SECRET");
    if (secret.isPresent() && secret.get().length() < MIN_JWT_SECRET_LENGTH) {
      r.problem(
          "JWT_SECRET",
          "must be at least "
              + MIN_JWT_SECRET_LENGTH
              + " characters long (HS256 needs a 256-bit key), got "
              + secret.get().length());
    }
    Optional<String> rawJwks = r.string("JWT_JWKS_URL");
    Optional<URI> jwksUrl = rawJwks.flatMap(raw -> jwksUrl(r, raw));
    Optional<String> rawAudience = r.string("JWT_AUDIENCE");
    List<String> audiences = new ArrayList<>();
    for (String part : rawAudience.orElse(DEFAULT_JWT_AUDIENCE).split(",")) {
      if (!part.isBlank()) {
        audiences.add(part.trim());
      }
    }
    if (audiences.isEmpty()) {
      r.problem("JWT_AUDIENCE", "lists no audience");
    }
    Optional<String> issuer = r.string("JWT_ISSUER");
    boolean enabled = secret.isPresent() || rawJwks.isPresent();
    if (!enabled && issuer.isPresent()) {
      r.problem("JWT_ISSUER", "has no effect without JWT_SECRET or JWT_JWKS_URL");
    }
    if (!enabled && rawAudience.isPresent() && !rawAudience.get().equals(DEFAULT_JWT_AUDIENCE)) {
      r.problem("JWT_AUDIENCE", "has no effect without JWT_SECRET or JWT_JWKS_URL");
    }
    return new Jwt(secret, jwksUrl, List.copyOf(audiences), issuer);
  }

  private static Optional<URI> jwksUrl(EnvReader r, String raw) {
    try {
      URI uri = new URI(raw);
      boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!web || uri.getHost() == null) {
        r.problem("JWT_JWKS_URL", "must be an http(s) URL, got '" + raw + "'");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      r.problem("JWT_JWKS_URL", "is not a URL: '" + raw + "'");
      return Optional.empty();
    }
  }
}
