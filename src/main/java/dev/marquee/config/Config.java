package dev.marquee.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Marquee reads from its environment, typed and validated once at start-up. Names of the
 * deployment Marquee replaces are kept exactly; every default is a documented constant.
 */
public record Config(
    Http http,
    Path dataDir,
    Optional<DatabaseUrl> databaseUrl,
    Optional<RedisUrl> redis,
    String redisKeyPrefix,
    Duration outboxClaimAfter,
    Optional<EncryptionKeys> redisEncryption,
    Log log,
    RateLimits rateLimits,
    Sessions sessions,
    Presence presence,
    WebSocket webSocket,
    Store store,
    Health health,
    Retention retention,
    Optional<String> adminToken,
    Optional<String> metricsToken,
    Jwt jwt) {

  public static final int DEFAULT_PORT = 3001;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String DEFAULT_LOG_DIR = "./logs";
  public static final String DEFAULT_REDIS_KEY_PREFIX = "marquee";
  public static final long DEFAULT_REDIS_OUTBOX_CLAIM_AFTER_MS = 30_000;
  public static final int DEFAULT_RATE_LIMIT_MAX_REQUESTS = 10;
  public static final long DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;
  public static final int DEFAULT_RATE_LIMIT_IP_MAX_REQUESTS = 20;
  public static final long DEFAULT_RATE_LIMIT_IP_WINDOW_MS = 60_000;
  public static final int DEFAULT_RATE_LIMIT_CONNECTIONS_PER_IP = 60;
  public static final long DEFAULT_RATE_LIMIT_CONNECTIONS_WINDOW_MS = 60_000;
  public static final int DEFAULT_RATE_LIMIT_FAILED_JOINS_PER_IP = 10;
  public static final long DEFAULT_RATE_LIMIT_FAILED_JOINS_WINDOW_MS = 600_000;
  public static final int DEFAULT_RATE_LIMIT_HTTP_PER_IP = 300;
  public static final long DEFAULT_RATE_LIMIT_HTTP_WINDOW_MS = 60_000;
  public static final long DEFAULT_MAX_SESSION_LIFETIME = 86_400_000;
  public static final long DEFAULT_INACTIVITY_TIMEOUT = 900_000;
  public static final long DEFAULT_INACTIVITY_WARNING_THRESHOLD = 600_000;
  public static final long DEFAULT_SESSION_SWEEP_INTERVAL_MS = 1_000;

  /** How long a member the owner kicked cannot rejoin with the same clientId (10 min). */
  public static final long DEFAULT_KICK_BAN_MS = 600_000;

  public static final long DEFAULT_PRESENCE_IDLE_AFTER = 300_000;
  public static final long DEFAULT_PRESENCE_IDLE_TIMEOUT = 1_800_000;
  public static final long DEFAULT_WS_JOIN_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_WS_WRITE_QUEUE_MAX_BYTES = 256 * 1024;
  public static final int DEFAULT_DB_POOL_SIZE = 8;
  public static final int DEFAULT_DB_WRITE_BUFFER_MAX = 10_000;
  public static final int DEFAULT_DB_WRITE_BATCH_MAX = 500;
  public static final double DEFAULT_READY_HEAP_MAX_RATIO = 0.95;
  public static final long DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 2_000;
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
  public static final String DEFAULT_JWT_AUDIENCE = "authenticated";

  /** RFC 7518 3.2: an HS256 key must be at least as long as the hash, 256 bits. */
  public static final int MIN_JWT_SECRET_LENGTH = 32;

  /** A session's messages are kept this long after it ends (24 h). */
  public static final long DEFAULT_HISTORY_RETENTION = 86_400_000;

  /** Analytics events are kept this long after they happened (90 days). */
  public static final long DEFAULT_ANALYTICS_RETENTION = 90L * 86_400_000;

  public static final long DEFAULT_RETENTION_SWEEP_INTERVAL_MS = 60_000;

  /** The longest duration any variable takes: ten years. */
  static final long MAX_MILLIS = 10L * 365 * 86_400_000;

  /** What a retention variable says to keep everything, never removing anything. */
  public static final String FOREVER = "forever";

  /** Where the server listens and whom it lets in. Empty origins means the default policy. */
  public record Http(
      String host, int port, Optional<Set<String>> allowedOrigins, List<Cidr> trustedProxies) {
    public boolean anyOrigin() {
      return allowedOrigins.map(o -> o.contains("*")).orElse(false);
    }
  }

  /** The five levels Marquee logs at; CRITICAL is carried as the JSON {@code level} field. */
  public enum LogLevel {
    DEBUG,
    INFO,
    WARN,
    ERROR,
    CRITICAL
  }

  /**
   * JSON lines for machines (default), or a coloured one-line format for a developer's terminal.
   */
  public enum LogFormat {
    JSON,
    PRETTY
  }

  public record Log(LogLevel level, Path dir, LogFormat format) {}

  /** One rolling-window limit: at most {@code max} events in any span of {@code window}. */
  public record Limit(int max, Duration window) {}

  public record RateLimits(
      Limit controller, Limit ip, Limit connections, Limit failedJoins, Limit http) {}

  public record Sessions(
      Duration maxLifetime,
      Duration inactivityTimeout,
      Duration inactivityWarning,
      Duration sweepInterval,
      Duration kickBan) {}

  public record Presence(Duration idleAfter, Duration idleTimeout) {}

  public record WebSocket(Duration joinTimeout, int writeQueueMaxBytes) {}

  public record Store(int poolSize, int writeBufferMax, int writeBatchMax) {}

  public record Health(double heapMaxRatio, Duration checkTimeout, Duration shutdownTimeout) {}

  /**
   * How long PostgreSQL keeps what it records; empty means forever. {@code history} counts from the
   * end of each session, {@code analytics} from each event.
   */
  public record Retention(
      Optional<Duration> history, Optional<Duration> analytics, Duration sweepInterval) {
    /** True when nothing is ever removed, so no sweep needs to run. */
    public boolean keepsEverything() {
      return history.isEmpty() && analytics.isEmpty();
    }
  }

  /**
   * Signed-in users (docs/auth.md). Off when neither key source is set; with both, a token signed
   * by either is accepted (HS256 by the secret, the asymmetric algorithms by the JWKS).
   */
  public record Jwt(
      Optional<String> secret,
      Optional<URI> jwksUrl,
      List<String> audiences,
      Optional<String> issuer) {
    public boolean enabled() {
      return secret.isPresent() || jwksUrl.isPresent();
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
  }

  /** Reads and validates; throws {@link ConfigException} naming every bad variable at once. */
  public static Config fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);

    Http http =
        new Http(
            r.string("HOST", DEFAULT_HOST),
            r.intValue("PORT", DEFAULT_PORT, 0, 65_535),
            origins(r),
            trustedProxies(r));
    Path dataDir = r.path("DATA_DIR", DEFAULT_DATA_DIR);
    Optional<DatabaseUrl> databaseUrl = Optional.empty();
    Optional<String> rawDb = r.string("DATABASE_URL");
    if (rawDb.isPresent()) {
      try {
        databaseUrl = Optional.of(DatabaseUrl.parse(rawDb.get()));
      } catch (IllegalArgumentException e) {
        r.problem("DATABASE_URL", e.getMessage());
      }
    }
    Optional<RedisUrl> redis = Optional.empty();
    Optional<String> rawRedis = r.string("REDIS_URL");
    if (rawRedis.isPresent()) {
      try {
        redis = Optional.of(RedisUrl.parse(rawRedis.get()));
      } catch (IllegalArgumentException e) {
        r.problem("REDIS_URL", e.getMessage());
      }
    }
    String redisKeyPrefix = r.string("REDIS_KEY_PREFIX", DEFAULT_REDIS_KEY_PREFIX);
    if (!redisKeyPrefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      r.problem(
          "REDIS_KEY_PREFIX", "must be 1-32 letters, digits or _.-, got '" + redisKeyPrefix + "'");
    }

    Duration outboxClaimAfter =
        millis(r, "REDIS_OUTBOX_CLAIM_AFTER_MS", DEFAULT_REDIS_OUTBOX_CLAIM_AFTER_MS);
    Optional<EncryptionKeys> redisEncryption = Optional.empty();
    Optional<String> rawKeys = r.string("REDIS_ENCRYPTION_KEY");
    if (rawKeys.isPresent()) {
      try {
        redisEncryption = Optional.of(EncryptionKeys.parse(rawKeys.get()));
      } catch (IllegalArgumentException e) {
        r.problem("REDIS_ENCRYPTION_KEY", e.getMessage());
      }
    }

    Log log =
        new Log(
            r.choice("LOG_LEVEL", LogLevel.class, LogLevel.INFO),
            r.path("LOG_DIR", DEFAULT_LOG_DIR),
            r.choice("LOG_FORMAT", LogFormat.class, LogFormat.JSON));

    RateLimits limits =
        new RateLimits(
            limit(
                r,
                "RATE_LIMIT_MAX_REQUESTS",
                DEFAULT_RATE_LIMIT_MAX_REQUESTS,
                "RATE_LIMIT_WINDOW_MS",
                DEFAULT_RATE_LIMIT_WINDOW_MS),
            limit(
                r,
                "RATE_LIMIT_IP_MAX_REQUESTS",
                DEFAULT_RATE_LIMIT_IP_MAX_REQUESTS,
                "RATE_LIMIT_IP_WINDOW_MS",
                DEFAULT_RATE_LIMIT_IP_WINDOW_MS),
            limit(
                r,
                "RATE_LIMIT_CONNECTIONS_PER_IP",
                DEFAULT_RATE_LIMIT_CONNECTIONS_PER_IP,
                "RATE_LIMIT_CONNECTIONS_WINDOW_MS",
                DEFAULT_RATE_LIMIT_CONNECTIONS_WINDOW_MS),
            limit(
                r,
                "RATE_LIMIT_FAILED_JOINS_PER_IP",
                DEFAULT_RATE_LIMIT_FAILED_JOINS_PER_IP,
                "RATE_LIMIT_FAILED_JOINS_WINDOW_MS",
                DEFAULT_RATE_LIMIT_FAILED_JOINS_WINDOW_MS),
            limit(
                r,
                "RATE_LIMIT_HTTP_PER_IP",
                DEFAULT_RATE_LIMIT_HTTP_PER_IP,
                "RATE_LIMIT_HTTP_WINDOW_MS",
                DEFAULT_RATE_LIMIT_HTTP_WINDOW_MS));

    Sessions sessions =
        new Sessions(
            millis(r, "MAX_SESSION_LIFETIME", DEFAULT_MAX_SESSION_LIFETIME),
            millis(r, "INACTIVITY_TIMEOUT", DEFAULT_INACTIVITY_TIMEOUT),
            millis(r, "INACTIVITY_WARNING_THRESHOLD", DEFAULT_INACTIVITY_WARNING_THRESHOLD),
            millis(r, "SESSION_SWEEP_INTERVAL_MS", DEFAULT_SESSION_SWEEP_INTERVAL_MS),
            millis(r, "KICK_BAN_MS", DEFAULT_KICK_BAN_MS));
    if (sessions.inactivityWarning().compareTo(sessions.inactivityTimeout()) >= 0) {
      r.problem(
          "INACTIVITY_WARNING_THRESHOLD",
          "must be less than INACTIVITY_TIMEOUT ("
              + sessions.inactivityTimeout().toMillis()
              + " ms), got "
              + sessions.inactivityWarning().toMillis());
    }

    Presence presence =
        new Presence(
            millis(r, "PRESENCE_IDLE_AFTER", DEFAULT_PRESENCE_IDLE_AFTER),
            millis(r, "PRESENCE_IDLE_TIMEOUT", DEFAULT_PRESENCE_IDLE_TIMEOUT));
    if (presence.idleAfter().compareTo(presence.idleTimeout()) >= 0) {
      r.problem(
          "PRESENCE_IDLE_AFTER",
          "must be less than PRESENCE_IDLE_TIMEOUT ("
              + presence.idleTimeout().toMillis()
              + " ms), got "
              + presence.idleAfter().toMillis());
    }

    WebSocket webSocket =
        new WebSocket(
            millis(r, "WS_JOIN_TIMEOUT_MS", DEFAULT_WS_JOIN_TIMEOUT_MS),
            r.intValue(
                "WS_WRITE_QUEUE_MAX_BYTES", DEFAULT_WS_WRITE_QUEUE_MAX_BYTES, 16 * 1024, 1 << 30));

    Store store =
        new Store(
            r.intValue("DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, 1, 200),
            r.intValue("DB_WRITE_BUFFER_MAX", DEFAULT_DB_WRITE_BUFFER_MAX, 1, 10_000_000),
            r.intValue("DB_WRITE_BATCH_MAX", DEFAULT_DB_WRITE_BATCH_MAX, 1, 10_000));

    Health health =
        new Health(
            r.ratio("READY_HEAP_MAX_RATIO", DEFAULT_READY_HEAP_MAX_RATIO),
            millis(r, "HEALTH_CHECK_TIMEOUT_MS", DEFAULT_HEALTH_CHECK_TIMEOUT_MS),
            millis(r, "SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS));

    Retention retention =
        new Retention(
            r.millisOrForever("HISTORY_RETENTION", DEFAULT_HISTORY_RETENTION, MAX_MILLIS, FOREVER),
            r.millisOrForever(
                "ANALYTICS_RETENTION", DEFAULT_ANALYTICS_RETENTION, MAX_MILLIS, FOREVER),
            millis(r, "RETENTION_SWEEP_INTERVAL_MS", DEFAULT_RETENTION_SWEEP_INTERVAL_MS));

    Optional<String> adminToken = r.string("ADMIN_TOKEN");
    adminToken.ifPresent(
        token -> {
          if (token.length() < 16) {
            r.problem("ADMIN_TOKEN", "must be at least 16 characters long");
          }
        });

    Optional<String> metricsToken = r.string("METRICS_TOKEN");
    metricsToken.ifPresent(
        token -> {
          if (token.length() < 16) {
            r.problem("METRICS_TOKEN", "must be at least 16 characters long");
          }
        });

    Jwt jwt = jwt(r);

    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new Config(
        http,
        dataDir,
        databaseUrl,
        redis,
        redisKeyPrefix,
        outboxClaimAfter,
        redisEncryption,
        log,
        limits,
        sessions,
        presence,
        webSocket,
        store,
        health,
        retention,
        adminToken,
        metricsToken,
        jwt);
  }

  /** What the start-up log shows: every setting, with secrets replaced. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("host", http.host());
    out.put("port", http.port());
    out.put(
        "allowedOrigins",
        http.allowedOrigins().map(o -> (Object) List.copyOf(o)).orElse("default"));
    out.put("dataDir", dataDir.toString());
    out.put("database", databaseUrl.map(DatabaseUrl::redacted).orElse("embedded"));
    out.put("engine", redis.isPresent() ? "redis" : "memory");
    redis.ifPresent(url -> out.put("redis", url.redacted()));
    out.put("redisKeyPrefix", redisKeyPrefix);
    out.put("redisEncryption", redisEncryption.map(k -> k.keys().size() + " key(s)").orElse("off"));
    out.put("logLevel", log.level().name());
    out.put("logDir", log.dir().toString());
    out.put("logFormat", log.format().name());
    out.put(
        "rateLimitController",
        rateLimits.controller().max() + "/" + rateLimits.controller().window().toMillis() + "ms");
    out.put(
        "rateLimitIp", rateLimits.ip().max() + "/" + rateLimits.ip().window().toMillis() + "ms");
    out.put("maxSessionLifetimeMs", sessions.maxLifetime().toMillis());
    out.put("inactivityTimeoutMs", sessions.inactivityTimeout().toMillis());
    out.put("inactivityWarningMs", sessions.inactivityWarning().toMillis());
    out.put(
        "historyRetentionMs", retention.history().map(d -> (Object) d.toMillis()).orElse(FOREVER));
    out.put(
        "analyticsRetentionMs",
        retention.analytics().map(d -> (Object) d.toMillis()).orElse(FOREVER));
    out.put("trustedProxies", http.trustedProxies().toString());
    out.put("adminToken", adminToken.isPresent() ? "set" : "unset");
    out.put("metricsToken", metricsToken.isPresent() ? "set" : "unset");
    out.put(
        "jwt",
        !jwt.enabled()
            ? "off"
            : jwt.secret().isPresent() && jwt.jwksUrl().isPresent()
                ? "secret and jwks"
                : jwt.secret().isPresent() ? "secret" : "jwks");
    jwt.jwksUrl().ifPresent(url -> out.put("jwtJwksUrl", url.toString()));
    if (jwt.enabled()) {
      out.put("jwtAudience", jwt.audiences());
      out.put("jwtIssuer", jwt.issuer().orElse("unchecked"));
    }
    return out;
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
      origins.add(origin.toLowerCase(java.util.Locale.ROOT));
    }
    if (origins.isEmpty() && bad == 0) {
      r.problem("ALLOWED_ORIGINS", "lists no origin; unset it or use * to allow any");
    }
    return Optional.of(Set.copyOf(origins));
  }

  private static Jwt jwt(EnvReader r) {
    Optional<String> secret = r.string("JWT_SECRET");
    if (secret.isPresent() && secret.get().length() < MIN_JWT_SECRET_LENGTH) {
      r.problem(
          "JWT_SECRET",
          "must be at least "
              + MIN_JWT_SECRET_LENGTH
              + " characters long (HS256 needs a 256-bit key), got "
              + secret.get().length());
    }
    Optional<URI> jwksUrl = Optional.empty();
    Optional<String> rawJwks = r.string("JWT_JWKS_URL");
    if (rawJwks.isPresent()) {
      try {
        URI uri = new URI(rawJwks.get());
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
          r.problem("JWT_JWKS_URL", "must be an http(s) URL, got '" + rawJwks.get() + "'");
        } else {
          jwksUrl = Optional.of(uri);
        }
      } catch (URISyntaxException e) {
        r.problem("JWT_JWKS_URL", "is not a URL: '" + rawJwks.get() + "'");
      }
    }
    Optional<String> rawAudience = r.string("JWT_AUDIENCE");
    List<String> audiences = new java.util.ArrayList<>();
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

  private static List<Cidr> trustedProxies(EnvReader r) {
    Optional<String> raw = r.string("TRUSTED_PROXIES");
    if (raw.isEmpty()) {
      return List.of();
    }
    List<Cidr> out = new java.util.ArrayList<>();
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

  private static Limit limit(
      EnvReader r, String maxName, int maxDefault, String windowName, long windowDefault) {
    return new Limit(
        r.intValue(maxName, maxDefault, 1, 1_000_000_000), millis(r, windowName, windowDefault));
  }

  private static Duration millis(EnvReader r, String name, long fallback) {
    return Duration.ofMillis(r.longValue(name, fallback, 1, MAX_MILLIS));
  }
}
