package dev.marquee.store;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What the write-behind tests share: a fresh database per class, a table of {@link Item}s per test
 * written through a sink shaped like the server's (one multi-row INSERT per batch, idempotent so a
 * retried batch is harmless), read back with JDBC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WriteBehindFixture {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final AtomicInteger tables = new AtomicInteger();

  /** {@code v} must not be negative: a negative one is a row the server rejects. */
  record Item(int id, int v) {
    static Item of(int id) {
      return new Item(id, id);
    }
  }

  DatabaseUrl url;
  Vertx vertx;
  Pool pool;
  Connection jdbc;
  String table;
  final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void startDatabase() throws SQLException {
    url = TestPostgres.freshDatabase();
    vertx = Vertx.vertx();
    pool = pool(Database.connectOptions(url));
    jdbc = TestPostgres.connect(url);
  }

  @AfterAll
  void stopDatabase() throws Exception {
    if (pool != null) {
      await(pool.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (jdbc != null) {
      jdbc.close();
    }
    if (url != null) {
      TestPostgres.drop(url);
    }
  }

  @BeforeEach
  void createTable() throws SQLException {
    table = createItemsTable(jdbc);
    batchSizes.clear();
  }

  WriteBehind<Item> writer(int capacity, int batchMax, WriteBehind.Sink<Item> sink) {
    return new WriteBehind<>("test", vertx, pool, capacity, batchMax, sink);
  }

  Future<Void> insert(SqlClient tx, List<Item> batch) {
    batchSizes.add(batch.size());
    Integer[] ids = batch.stream().map(Item::id).toArray(Integer[]::new);
    Integer[] vs = batch.stream().map(Item::v).toArray(Integer[]::new);
    return tx.preparedQuery(
            "INSERT INTO "
                + table
                + " (id, v) SELECT id, v FROM unnest($1::int[], $2::int[]) WITH ORDINALITY"
                + " AS u(id, v, ord) ORDER BY ord ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.tuple().addArrayOfInteger(ids).addArrayOfInteger(vs))
        .mapEmpty();
  }

  static String createItemsTable(Connection c) throws SQLException {
    String name = "items_" + tables.incrementAndGet();
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + name
              + " (id int PRIMARY KEY, v int NOT NULL CHECK (v >= 0),"
              + " pos bigint GENERATED ALWAYS AS IDENTITY)");
    }
    return name;
  }

  List<Integer> idsInCommitOrder() throws SQLException {
    return idsInCommitOrder(jdbc);
  }

  List<Integer> idsInCommitOrder(Connection c) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY pos")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  boolean exists(Connection c, int id) {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      s.setInt(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Pool pool(io.vertx.pgclient.PgConnectOptions options) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  static EmbeddedPostgres embedded(Path dir, int port) throws java.io.IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "127.0.0.1");
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().toList();
  }

  static <T> T onContext(Context context, Supplier<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(work.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every future has completed, successfully or not. */
  static void settle(List<Future<Void>> futures) throws Exception {
    await(Future.join(futures).otherwiseEmpty());
  }

  static Throwable awaitFailure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  static void waitUntil(BooleanSupplier condition, String what) {
    Eventually.until(WAIT, condition, what);
  }
}
