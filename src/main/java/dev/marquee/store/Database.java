package dev.marquee.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.Config;
import dev.marquee.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system of record: an external PostgreSQL when {@code DATABASE_URL} is set, otherwise one
 * Marquee runs itself under {@code DATA_DIR}. Migrates the schema with Flyway (JDBC) before handing
 * out a reactive pool; every query after that goes through the pool.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Optional<EmbeddedDatabase> embedded;
  private final DatabaseUrl url;

  private Database(Vertx vertx, Pool pool, Optional<EmbeddedDatabase> embedded, DatabaseUrl url) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
    this.url = url;
  }

  /** Starts (if embedded), migrates and connects. Blocking work runs on a worker thread. */
  public static Future<Database> start(Vertx vertx, Config config) {
    return vertx.executeBlocking(
        () -> {
          Optional<EmbeddedDatabase> embedded = Optional.empty();
          DatabaseUrl url;
          if (config.databaseUrl().isPresent()) {
            url = config.databaseUrl().get();
            log.info("database external", kv("url", url.redacted()));
          } else {
            EmbeddedDatabase db = EmbeddedDatabase.start(config.dataDir().resolve("postgres"));
            embedded = Optional.of(db);
            url = db.url();
          }
          try {
            migrate(url);
          } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::stop);
            throw e;
          }
          Pool pool =
              PgBuilder.pool()
                  .with(new PoolOptions().setMaxSize(config.store().poolSize()))
                  .with(new NetClientOptions().setConnectTimeout(5_000))
                  .connectingTo(connectOptions(url))
                  .using(vertx)
                  .build();
          return new Database(vertx, pool, embedded, url);
        },
        false);
  }

  /** Applies pending Flyway migrations from {@code classpath:db/migration}. */
  public static void migrate(DatabaseUrl url) {
    long started = System.nanoTime();
    var result =
        Flyway.configure()
            .dataSource(url.jdbcUrl(), url.user(), url.password())
            .locations("classpath:db/migration")
            .load()
            .migrate();
    log.info(
        "database migrated",
        kv("applied", result.migrationsExecuted),
        kv("schemaVersion", result.targetSchemaVersion),
        kv("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
  }

  static PgConnectOptions connectOptions(DatabaseUrl url) {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(url.host())
            .setPort(url.port())
            .setDatabase(url.database())
            .setUser(url.user())
            .setPassword(url.password())
            .setReconnectAttempts(0)
            // Every statement is a constant: parse and plan each once per connection, not per use.
            .setCachePreparedStatements(true);
    String sslmode = url.params().get("sslmode");
    if (sslmode != null) {
      SslMode mode = SslMode.of(sslmode);
      options.setSslMode(mode);
      if (mode != SslMode.VERIFY_CA && mode != SslMode.VERIFY_FULL) {
        // libpq's require/prefer/allow encrypt without verifying the server certificate.
        options.setSslOptions(new ClientSSLOptions().setTrustAll(true));
      }
    }
    return options;
  }

  public Pool pool() {
    return pool;
  }

  public DatabaseUrl url() {
    return url;
  }

  public boolean embedded() {
    return embedded.isPresent();
  }

  /** Succeeds when the database answers a trivial query within {@code timeout}. */
  public Future<Void> ping(Duration timeout) {
    return pool.query("SELECT 1")
        .execute()
        .<Void>mapEmpty()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the pool, then stops the embedded server if this process started one. */
  public Future<Void> close() {
    return pool.close()
        .recover(e -> Future.succeededFuture())
        .compose(
            v ->
                embedded.isEmpty()
                    ? Future.succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          embedded.get().stop();
                          return null;
                        },
                        false));
  }
}
