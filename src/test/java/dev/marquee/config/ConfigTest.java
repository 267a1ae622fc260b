package dev.marquee.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    Config config = Config.fromEnv(Map.of());

    assertThat(config.http().port()).isEqualTo(3001);
    assertThat(config.http().allowedOrigins()).isEmpty();
    assertThat(config.dataDir().toString()).isEqualTo("./data");
    assertThat(config.databaseUrl()).isEmpty();
    assertThat(config.redis()).isEmpty();
    assertThat(config.redisKeyPrefix()).isEqualTo("marquee");
    assertThat(config.log().level()).isEqualTo(Config.LogLevel.INFO);
    assertThat(config.log().format()).isEqualTo(Config.LogFormat.JSON);
    assertThat(config.rateLimits().controller())
        .isEqualTo(new Config.Limit(10, Duration.ofSeconds(60)));
    assertThat(config.rateLimits().ip()).isEqualTo(new Config.Limit(20, Duration.ofSeconds(60)));
    assertThat(config.sessions().maxLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(config.sessions().inactivityTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.sessions().inactivityWarning()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.sessions().kickBan()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.presence().idleAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.presence().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.retention().history()).contains(Duration.ofHours(24));
    assertThat(config.retention().analytics()).contains(Duration.ofDays(90));
    assertThat(config.retention().sweepInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.retention().keepsEverything()).isFalse();
  }

  @Test
  void retentionsAreMillisecondsOrForever() {
    Config config =
        Config.fromEnv(
            Map.of(
                "HISTORY_RETENTION", "3600000",
                "ANALYTICS_RETENTION", "Forever",
                "RETENTION_SWEEP_INTERVAL_MS", "5000"));
    assertThat(config.retention().history()).contains(Duration.ofHours(1));
    assertThat(config.retention().analytics()).isEmpty();
    assertThat(config.retention().sweepInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.describe())
        .containsEntry("historyRetentionMs", 3_600_000L)
        .containsEntry("analyticsRetentionMs", "forever");

    Config keepAll =
        Config.fromEnv(Map.of("HISTORY_RETENTION", "forever", "ANALYTICS_RETENTION", "FOREVER"));
    assertThat(keepAll.retention().history()).isEmpty();
    assertThat(keepAll.retention().keepsEverything()).isTrue();
  }

  /** Zero is neither "keep nothing" nor "keep everything": it is refused, naming the keyword. */
  @Test
  void badRetentionsAreReportedTogether() {
    assertThatThrownBy(
            () ->
                Config.fromEnv(
                    Map.of(
                        "HISTORY_RETENTION", "0",
                        "ANALYTICS_RETENTION", "90d",
                        "RETENTION_SWEEP_INTERVAL_MS", "never")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("HISTORY_RETENTION:")
                                .contains("'forever'")
                                .contains("got 0"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("ANALYTICS_RETENTION:")
                                .contains("milliseconds")
                                .contains("'90d'"))
                    .anySatisfy(p -> assertThat(p).startsWith("RETENTION_SWEEP_INTERVAL_MS:")));
  }

  @Test
  void existingVariableNamesAreHonoured() {
    Config config =
        Config.fromEnv(
            Map.of(
                "PORT", "8080",
                "LOG_LEVEL", "debug",
                "LOG_DIR", "/var/log/marquee",
                "RATE_LIMIT_MAX_REQUESTS", "5",
                "RATE_LIMIT_WINDOW_MS", "30000",
                "MAX_SESSION_LIFETIME", "3600000",
                "INACTIVITY_TIMEOUT", "120000",
                "INACTIVITY_WARNING_THRESHOLD", "60000",
                "KICK_BAN_MS", "30000",
                "REDIS_URL", "redis://localhost:6379"));

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.log().level()).isEqualTo(Config.LogLevel.DEBUG);
    assertThat(config.log().dir().toString()).isEqualTo("/var/log/marquee");
    assertThat(config.rateLimits().controller())
        .isEqualTo(new Config.Limit(5, Duration.ofSeconds(30)));
    assertThat(config.sessions().maxLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(config.sessions().inactivityTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.sessions().inactivityWarning()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.sessions().kickBan()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.redis().orElseThrow().endpoints())
        .containsExactly("redis://localhost:6379/0");
  }

  @Test
  void everyBadVariableIsReportedAtOnceByName() {
    assertThatThrownBy(
            () ->
                Config.fromEnv(
                    Map.of(
                        "PORT", "eighty",
                        "LOG_LEVEL", "loud",
                        "RATE_LIMIT_WINDOW_MS", "-5",
                        "DATABASE_URL", "mysql://x/y",
                        "ALLOWED_ORIGINS", "not an origin",
                        "ADMIN_TOKEN", "short")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(6)
                    .anySatisfy(p -> assertThat(p).startsWith("PORT:"))
                    .anySatisfy(p -> assertThat(p).startsWith("LOG_LEVEL:").contains("critical"))
                    .anySatisfy(p -> assertThat(p).startsWith("RATE_LIMIT_WINDOW_MS:"))
                    .anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL:"))
                    .anySatisfy(p -> assertThat(p).startsWith("ALLOWED_ORIGINS:"))
                    .anySatisfy(p -> assertThat(p).startsWith("ADMIN_TOKEN:")));
  }

  @Test
  void warningMustComeBeforeTimeout() {
    assertThatThrownBy(
            () ->
                Config.fromEnv(
                    Map.of("INACTIVITY_TIMEOUT", "1000", "INACTIVITY_WARNING_THRESHOLD", "2000")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("INACTIVITY_WARNING_THRESHOLD:"));
  }

  @Test
  void databaseUrlIsParsedLibpqStyleAndRedacted() {
    Config config =
        Config.fromEnv(
            Map.of(
                "DATABASE_URL",
                "postgresql://app:s3cr%40t@db.example.com:6543/marquee?sslmode=require"));

    DatabaseUrl url = config.databaseUrl().orElseThrow();
    assertThat(url.host()).isEqualTo("db.example.com");
    assertThat(url.port()).isEqualTo(6543);
    assertThat(url.database()).isEqualTo("marquee");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cr@t");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example.com:6543/marquee?sslmode=require");
    assertThat(url.toString()).doesNotContain("s3cr");
    assertThat(config.describe().toString()).doesNotContain("s3cr");
  }

  @Test
  void allowedOriginsAreNormalised() {
    Config config =
        Config.fromEnv(
            Map.of("ALLOWED_ORIGINS", "https://Show.Example.com/, http://localhost:5173"));

    assertThat(config.http().allowedOrigins())
        .contains(java.util.Set.of("https://show.example.com", "http://localhost:5173"));
    assertThat(config.http().anyOrigin()).isFalse();
    assertThat(Config.fromEnv(Map.of("ALLOWED_ORIGINS", "*")).http().anyOrigin()).isTrue();
  }

  @Test
  void adminTokenNeverAppearsInTheDescription() {
    Config config = Config.fromEnv(Map.of("ADMIN_TOKEN", "a-very-long-admin-secret"));

    assertThat(config.describe().toString()).doesNotContain("a-very-long-admin-secret");
    assertThat(config.adminToken()).contains("a-very-long-admin-secret");
  }

  @Test
  void accountsAreOffByDefaultWithSupabasesAudience() {
    Jwt jwt = Config.fromEnv(Map.of()).jwt();

    assertThat(jwt.enabled()).isFalse();
    assertThat(jwt.audiences()).containsExactly("authenticated");
    assertThat(jwt.issuer()).isEmpty();
    assertThat(Config.fromEnv(Map.of()).describe()).containsEntry("jwt", "off");
  }

  @Test
  void theJwtSettingsAreReadAndTheSecretNeverShown() {
    String secret = "a-jwt-secret-that-is-long-enough-0123456789";
    Config config =
        Config.fromEnv(
            Map.of(
                "JWT_SECRET", secret,
                "JWT_JWKS_URL", "https://p.supabase.co/auth/v1/.well-known/jwks.json",
                "JWT_AUDIENCE", "authenticated, service",
                "JWT_ISSUER", "https://p.supabase.co/auth/v1"));

    Jwt jwt = config.jwt();
    assertThat(jwt.enabled()).isTrue();
    assertThat(jwt.secret()).contains(secret);
    assertThat(jwt.jwksUrl().orElseThrow().getHost()).isEqualTo("p.supabase.co");
    assertThat(jwt.audiences()).containsExactly("authenticated", "service");
    assertThat(jwt.issuer()).contains("https://p.supabase.co/auth/v1");
    assertThat(config.describe()).containsEntry("jwt", "secret and jwks");
    assertThat(config.describe().toString()).doesNotContain(secret);
    assertThat(config.toString()).doesNotContain(secret);
  }

  @Test
  void badJwtSettingsAreReportedTogether() {
    assertThatThrownBy(
            () ->
                Config.fromEnv(
                    Map.of(
                        "JWT_SECRET", "too-short-secret",
                        "JWT_JWKS_URL", "ftp://keys.example.com/jwks.json",
                        "JWT_AUDIENCE", " , ")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("JWT_SECRET:").contains("32"))
                    .anySatisfy(p -> assertThat(p).startsWith("JWT_JWKS_URL:"))
                    .anySatisfy(p -> assertThat(p).startsWith("JWT_AUDIENCE:")));
  }

  @Test
  void anIssuerOrAudienceWithoutKeysIsAMistake() {
    assertThatThrownBy(
            () ->
                Config.fromEnv(
                    Map.of("JWT_ISSUER", "https://p.supabase.co/auth/v1", "JWT_AUDIENCE", "app")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p).contains("JWT_SECRET or JWT_JWKS_URL")));
  }
}
