package dev.marquee.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the server listens, whom it lets in and over which network transport. Empty origins means
 * the default policy.
 */
public record Http(
    String host,
    int port,
    Optional<Set<String>> allowedOrigins,
    List<Cidr> trustedProxies,
    Transport transport) {

  /** {@code NETWORK_TRANSPORT}: {@code auto} picks epoll on Linux, NIO elsewhere. */
  public enum Transport {
    AUTO,
    EPOLL,
    IO_URING,
    NIO
  }

  public static final int DEFAULT_PORT = 3001;
  public static final String DEFAULT_HOST = "0.0.0.0";

  public boolean anyOrigin() {
    return allowedOrigins.map(o -> o.contains("*")).orElse(false);
  }

  static Http read(EnvReader r) {
    return new Http(
        r.string("HOST", DEFAULT_HOST),
        r.intValue("PORT", DEFAULT_PORT, 0, 65_535),
        origins(r),
        trustedProxies(r),
        transport(r));
  }

  private static Transport transport(EnvReader r) {
    String raw = r.string("NETWORK_TRANSPORT", "auto").trim().toLowerCase(Locale.ROOT);
    for (Transport t : Transport.values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(raw)) {
        return t;
      }
    }
    r.problem("NETWORK_TRANSPORT", "must be auto, epoll, io_uring or nio, got '" + raw + "'");
    return Transport.AUTO;
  }

  private static Optional<Set<String>> origins(EnvReader r) {
    Optional<String> raw = r.string("ALLOWED_ORIGINS");
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Set<String> origins = new LinkedHashSet<>();
    int bad = 0;
    for (String part : raw.get().split(",")) {
      String origin = part.trim();
      if (origin.isEmpty()) {
        continue;
      }
      if (origin.equals("*")) {
        origins.add(origin);
        continue;
      }
      if (origin.endsWith("/")) {
        origin = origin.substring(0, origin.length() - 1);
      }
      try {
        URI uri = new URI(origin);
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
          r.problem(
              "ALLOWED_ORIGINS",
              "'" + part.trim() + "' is not an origin like https://example.com[:port]");
          bad++;
          continue;
        }
      } catch (URISyntaxException e) {
        r.problem("ALLOWED_ORIGINS", "'" + part.trim() + "' is not an origin");
        bad++;
        continue;
      }
      origins.add(origin.toLowerCase(Locale.ROOT));
    }
    if (origins.isEmpty() && bad == 0) {
      r.problem("ALLOWED_ORIGINS", "lists no origin; unset it or use * to allow any");
    }
    return Optional.of(Set.copyOf(origins));
  }

  private static List<Cidr> trustedProxies(EnvReader r) {
    Optional<String> raw = r.string("TRUSTED_PROXIES");
    if (raw.isEmpty()) {
      return List.of();
    }
    List<Cidr> out = new ArrayList<>();
    for (String part : raw.get().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(Cidr.parse(part));
      } catch (IllegalArgumentException e) {
        r.problem("TRUSTED_PROXIES", e.getMessage());
      }
    }
    return List.copyOf(out);
  }
}
