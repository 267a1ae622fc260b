package dev.marquee.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  public static final long DEFAULT_WS_STALL_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_DB_POOL_SIZE = 8;
  public static final int DEFAULT_DB_WRITE_BUFFER_MAX = 10_000;
  public static final int DEFAULT_DB_WRITE_BATCH_MAX = 500;
  public static final double DEFAULT_READY_HEAP_MAX_RATIO = 0.95;
  public static final long DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 2_000;
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

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

  public record WebSocket(Duration joinTimeout, int writeQueueMaxBytes, Duration stallTimeout) {}

  public record Store(int poolSize, int writeBufferMax, int writeBatchMax) {}

  public record Health(double heapMaxRatio, Duration checkTimeout, Duration shutdownTimeout) {}

  /** Reads and validates; throws {@link ConfigException} naming every bad variable at once. */
  public static Config fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);

    Http http = Http.read(r);
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
        r.millis("REDIS_OUTBOX_CLAIM_AFTER_MS", DEFAULT_REDIS_OUTBOX_CLAIM_AFTER_MS);
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
            r.millis("MAX_SESSION_LIFETIME", DEFAULT_MAX_SESSION_LIFETIME),
            r.millis("INACTIVITY_TIMEOUT", DEFAULT_INACTIVITY_TIMEOUT),
            r.millis("INACTIVITY_WARNING_THRESHOLD", DEFAULT_INACTIVITY_WARNING_THRESHOLD),
            r.millis("SESSION_SWEEP_INTERVAL_MS", DEFAULT_SESSION_SWEEP_INTERVAL_MS),
            r.millis("KICK_BAN_MS", DEFAULT_KICK_BAN_MS));
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
            r.millis("PRESENCE_IDLE_AFTER", DEFAULT_PRESENCE_IDLE_AFTER),
            r.millis("PRESENCE_IDLE_TIMEOUT", DEFAULT_PRESENCE_IDLE_TIMEOUT));
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
            r.millis("WS_JOIN_TIMEOUT_MS", DEFAULT_WS_JOIN_TIMEOUT_MS),
            r.intValue(
                "WS_WRITE_QUEUE_MAX_BYTES", DEFAULT_WS_WRITE_QUEUE_MAX_BYTES, 16 * 1024, 1 << 30),
            r.millis("WS_STALL_TIMEOUT_MS", DEFAULT_WS_STALL_TIMEOUT_MS));
    if (webSocket.stallTimeout().toMillis() < 1_000) {
      r.problem(
          "WS_STALL_TIMEOUT_MS",
          "must be at least 1000, got " + webSocket.stallTimeout().toMillis());
    }

    Store store =
        new Store(
            r.intValue("DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, 1, 200),
            r.intValue("DB_WRITE_BUFFER_MAX", DEFAULT_DB_WRITE_BUFFER_MAX, 1, 10_000_000),
            r.intValue("DB_WRITE_BATCH_MAX", DEFAULT_DB_WRITE_BATCH_MAX, 1, 10_000));

    Health health =
        new Health(
            r.ratio("READY_HEAP_MAX_RATIO", DEFAULT_READY_HEAP_MAX_RATIO),
            r.millis("HEALTH_CHECK_TIMEOUT_MS", DEFAULT_HEALTH_CHECK_TIMEOUT_MS),
            r.millis("SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS));

    Retention retention = Retention.read(r);

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

    Jwt jwt = Jwt.read(r);

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
        "historyRetentionMs",
        retention.history().map(d -> (Object) d.toMillis()).orElse(Retention.FOREVER));
    out.put(
        "analyticsRetentionMs",
        retention.analytics().map(d -> (Object) d.toMillis()).orElse(Retention.FOREVER));
    out.put("trustedProxies", http.trustedProxies().toString());
    out.put("adminToken", adminToken.isPresent() ? "set" : "unset");
    out.put("metricsToken", metricsToken.isPresent() ? "set" : "unset");
    out.put("jwt", jwt.keySources());
    jwt.jwksUrl().ifPresent(url -> out.put("jwtJwksUrl", url.toString()));
    if (jwt.enabled()) {
      out.put("jwtAudience", jwt.audiences());
      out.put("jwtIssuer", jwt.issuer().orElse("unchecked"));
    }
    return out;
  }

  private static Limit limit(
      EnvReader r, String maxName, int maxDefault, String windowName, long windowDefault) {
    return new Limit(
        r.intValue(maxName, maxDefault, 1, 1_000_000_000), r.millis(windowName, windowDefault));
  }
}
