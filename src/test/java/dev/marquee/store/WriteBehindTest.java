package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-behind buffer against a real PostgreSQL: each test writes {@link Item}s into a table of
 * its own through a sink shaped like the server's (one multi-row INSERT per batch, idempotent so a
 * retried batch is harmless), and reads the table back with JDBC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBehindTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger tables = new AtomicInteger();

  /** {@code v} must not be negative: a negative one is a row the server rejects. */
  record Item(int id, int v) {
    static Item of(int id) {
      return new Item(id, id);
    }
  }

  private DatabaseUrl url;
  private Vertx vertx;
  private Pool pool;
  private Connection jdbc;
  private String table;
  private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

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

  @Test
  void itemsAreCommittedInOrderInBatchesOfAtMostBatchMax() throws Exception {
    Context context = vertx.getOrCreateContext();
    WriteBehind<Item> writer = onContext(context, () -> writer(1_000, 100, this::insert));

    // Offered in one task on the writer's context, so the first flush sees all of them queued.
    List<Future<Void>> done =
        onContext(
            context,
            () -> IntStream.rangeClosed(1, 250).mapToObj(i -> writer.offer(Item.of(i))).toList());
    await(Future.all(done));

    assertThat(idsInCommitOrder()).containsExactlyElementsOf(range(1, 250));
    assertThat(batchSizes).containsExactly(100, 100, 50);
    assertThat(writer.committed()).isEqualTo(250);
    assertThat(writer.errors()).isZero();
    assertThat(writer.depth()).isZero();
  }

  @Test
  void aFutureCompletesOnlyAfterItsRowIsCommitted() throws Exception {
    // The sink keeps its transaction open a while after inserting: a future completed before the
    // commit would find its row invisible to another connection.
    WriteBehind<Item> writer =
        writer(100, 4, (tx, batch) -> insert(tx, batch).compose(v -> vertx.timer(30).mapEmpty()));
    Map<Integer, Boolean> visibleOnCompletion = new ConcurrentHashMap<>();
    try (Connection reader = TestPostgres.connect(url)) {
      List<Future<Void>> done = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        int id = i;
        done.add(
            writer
                .offer(Item.of(id))
                .onSuccess(v -> visibleOnCompletion.put(id, exists(reader, id))));
      }
      await(Future.all(done));
    }

    assertThat(visibleOnCompletion)
        .hasSize(10)
        .containsOnlyKeys(range(1, 10))
        .doesNotContainValue(false);
  }

  /**
   * The bound: with {@code capacity} items waiting or reserved, {@link WriteBehind#offer} returns
   * null and queues nothing, and {@link WriteBehind#reserve} returns false. Callers turn that into
   * a refusal of the user action before it has any effect: a send is answered "unavailable" with a
   * retry delay before a seq is assigned (nothing is delivered, nothing acknowledged), and a
   * session ending that finds no room is logged and not recorded.
   */
  @Test
  void aFullBufferRefusesAndReservationsAreCountedExactly() throws Exception {
    Promise<Void> gate = Promise.promise();
    WriteBehind<Item> writer =
        writer(4, 10, (tx, batch) -> gate.future().compose(v -> insert(tx, batch)));

    Future<Void> first = writer.offer(Item.of(1));
    assertThat(first).isNotNull();
    assertThat(writer.reserve()).isTrue();
    assertThat(writer.reserve()).isTrue();
    Future<Void> second = writer.offer(Item.of(2));
    assertThat(second).isNotNull();

    assertThat(writer.offer(Item.of(99))).isNull();
    assertThat(writer.reserve()).isFalse();
    assertThat(writer.hasRoom()).isFalse();
    assertThat(writer.depth()).isEqualTo(2);

    writer.release();
    assertThat(writer.hasRoom()).isTrue();
    Future<Void> third = writer.offer(Item.of(3));
    assertThat(third).isNotNull();
    assertThat(writer.hasRoom()).isFalse();
    Future<Void> fourth = writer.offerReserved(Item.of(4));
    assertThat(writer.depth()).isEqualTo(4);
    assertThat(writer.offer(Item.of(99))).isNull();

    gate.complete();
    await(Future.all(first, second, third, fourth));
    await(writer.drain(WAIT));

    assertThat(idsInCommitOrder()).containsExactly(1, 2, 3, 4);
    assertThat(writer.depth()).isZero();
    // Every place is free again: exactly capacity reservations succeed.
    for (int i = 0; i < 4; i++) {
      assertThat(writer.reserve()).isTrue();
    }
    assertThat(writer.reserve()).isFalse();
    for (int i = 0; i < 4; i++) {
      writer.release();
    }
    assertThat(writer.hasRoom()).isTrue();
  }

  @Test
  void drainWaitsForEverythingQueued() throws Exception {
    Promise<Void> gate = Promise.promise();
    WriteBehind<Item> writer =
        writer(100, 3, (tx, batch) -> gate.future().compose(v -> insert(tx, batch)));
    assertThat(writer.drain(WAIT).succeeded()).as("nothing queued: drained at once").isTrue();
    for (int i = 1; i <= 7; i++) {
      writer.offer(Item.of(i));
    }

    Future<Void> tooShort = writer.drain(Duration.ofMillis(50));
    assertThat(awaitFailure(tooShort)).isNotNull();
    Future<Void> drained = writer.drain(WAIT);
    assertThat(drained.isComplete()).isFalse();

    gate.complete();
    await(drained);
    assertThat(idsInCommitOrder()).containsExactlyElementsOf(range(1, 7));
    assertThat(writer.depth()).isZero();
  }

  @Test
  void aRowTheServerRejectsFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
    Context context = vertx.getOrCreateContext();
    WriteBehind<Item> writer = onContext(context, () -> writer(100, 10, this::insert));

    List<Future<Void>> done =
        onContext(
            context,
            () ->
                List.of(
                    writer.offer(Item.of(1)),
                    writer.offer(Item.of(2)),
                    writer.offer(new Item(3, -1)),
                    writer.offer(Item.of(4)),
                    writer.offer(Item.of(5))));
    settle(done);

    assertThat(batchSizes).first().isEqualTo(5);
    assertThat(done.get(2).cause())
        .isInstanceOf(PgException.class)
        .extracting(e -> ((PgException) e).getSqlState())
        .isEqualTo("23514");
    assertThat(done).filteredOn(Future::succeeded).hasSize(4);
    assertThat(idsInCommitOrder()).containsExactly(1, 2, 4, 5);
    assertThat(writer.errors()).isEqualTo(1);
    assertThat(writer.committed()).isEqualTo(4);

    // A lone rejected item (a batch of one) fails the same way and does not block what follows.
    Future<Void> bad = writer.offer(new Item(6, -1));
    assertThat(awaitFailure(bad)).isInstanceOf(PgException.class);
    await(writer.offer(Item.of(7)));
    assertThat(idsInCommitOrder()).containsExactly(1, 2, 4, 5, 7);
    assertThat(writer.errors()).isEqualTo(2);
  }

  /**
   * PostgreSQL stops (fast shutdown, as in a restart or failover) while items stream in and a
   * transaction is in flight, then comes back on the same port. Every item must end up committed
   * exactly once, in order, and every acknowledged one must be there: none may be failed for an
   * error that only meant "the server is going away" or "not up yet".
   */
  @Test
  void nothingIsLostWhenTheDatabaseGoesAwayAndComesBack(@TempDir Path dir) throws Exception {
    EmbeddedPostgres postgres = embedded(dir, 0);
    int port = postgres.getPort();
    DatabaseUrl embeddedUrl =
        new DatabaseUrl("127.0.0.1", port, "postgres", "postgres", "", Map.of());
    Pool outagePool = pool(Database.connectOptions(embeddedUrl));
    try {
      String outageTable;
      try (Connection c = postgres.getPostgresDatabase().getConnection()) {
        outageTable = createItemsTable(c);
      }
      table = outageTable;
      Context context = vertx.getOrCreateContext();
      // Each batch holds its transaction open a little, so one is in flight when the server stops.
      WriteBehind<Item> writer =
          onContext(
              context,
              () ->
                  new WriteBehind<>(
                      "outage",
                      vertx,
                      outagePool,
                      10_000,
                      20,
                      (tx, batch) ->
                          insert(tx, batch)
                              .compose(v -> tx.query("SELECT pg_sleep(0.05)").execute())
                              .mapEmpty()));
      List<Future<Void>> done = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger next = new AtomicInteger(1);
      long producer =
          onContext(
              context,
              () ->
                  vertx.setPeriodic(
                      5, id -> done.add(writer.offer(Item.of(next.getAndIncrement())))));

      waitUntil(() -> writer.committed() >= 50, "writes flowing before the outage");
      List<Integer> acknowledged = new ArrayList<>();
      synchronized (done) {
        for (int i = 0; i < done.size(); i++) {
          if (done.get(i).succeeded()) {
            acknowledged.add(i + 1);
          }
        }
      }
      postgres.close();
      waitUntil(() -> writer.errors() > 0, "writes failing while the database is down");
      int offeredWhileDown = next.get();
      waitUntil(() -> next.get() > offeredWhileDown + 30, "items queued during the outage");
      postgres = embedded(dir, port);
      long committedAfterRestart = writer.committed();
      waitUntil(() -> writer.committed() > committedAfterRestart, "writes resuming");
      onContext(context, () -> vertx.cancelTimer(producer));

      await(writer.drain(WAIT));
      List<Future<Void>> all;
      synchronized (done) {
        all = List.copyOf(done);
      }
      settle(all);
      List<String> failures =
          all.stream().filter(Future::failed).map(f -> f.cause().toString()).toList();
      assertThat(failures).as("items failed by the outage").isEmpty();
      try (Connection c = postgres.getPostgresDatabase().getConnection()) {
        List<Integer> stored = idsInCommitOrder(c);
        assertThat(stored).containsAll(acknowledged);
        assertThat(stored).containsExactlyElementsOf(range(1, all.size()));
      }
      assertThat(writer.errors()).isPositive();
      assertThat(writer.depth()).isZero();
    } finally {
      await(outagePool.close());
      postgres.close();
    }
  }

  /**
   * A server out of connection slots answers a new connection with an error (53300), not a refusal
   * to connect. That says nothing about the rows: the batch must wait and be written once a slot
   * frees up, not be failed item by item.
   */
  @Test
  void aServerOutOfConnectionsDelaysWritesButFailsNone(@TempDir Path dir) throws Exception {
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "3")
            .setServerConfig("superuser_reserved_connections", "0")
            .start();
    DatabaseUrl embeddedUrl =
        new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", Map.of());
    Pool fullPool = pool(Database.connectOptions(embeddedUrl));
    List<Connection> slots = new ArrayList<>();
    try {
      slots.add(postgres.getPostgresDatabase().getConnection());
      table = createItemsTable(slots.get(0));
      while (slots.size() < 3) {
        slots.add(postgres.getPostgresDatabase().getConnection());
      }
      Context context = vertx.getOrCreateContext();
      WriteBehind<Item> writer =
          onContext(
              context, () -> new WriteBehind<>("full", vertx, fullPool, 100, 10, this::insert));
      List<Future<Void>> done =
          onContext(
              context,
              () -> IntStream.rangeClosed(1, 5).mapToObj(i -> writer.offer(Item.of(i))).toList());

      waitUntil(() -> writer.errors() >= 2, "attempts failing while no slot is free");
      for (Connection c : slots) {
        c.close();
      }
      slots.clear();
      settle(done);

      assertThat(done.stream().filter(Future::failed).map(f -> f.cause().toString()).toList())
          .as("items failed for want of a connection")
          .isEmpty();
      try (Connection c = postgres.getPostgresDatabase().getConnection()) {
        assertThat(idsInCommitOrder(c)).containsExactly(1, 2, 3, 4, 5);
      }
    } finally {
      for (Connection c : slots) {
        c.close();
      }
      await(fullPool.close());
      postgres.close();
    }
  }

  private WriteBehind<Item> writer(int capacity, int batchMax, WriteBehind.Sink<Item> sink) {
    return new WriteBehind<>("test", vertx, pool, capacity, batchMax, sink);
  }

  private Future<Void> insert(SqlConnection tx, List<Item> batch) {
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

  private static String createItemsTable(Connection c) throws SQLException {
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

  private List<Integer> idsInCommitOrder() throws SQLException {
    return idsInCommitOrder(jdbc);
  }

  private List<Integer> idsInCommitOrder(Connection c) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY pos")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  private boolean exists(Connection c, int id) {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      s.setInt(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Pool pool(io.vertx.pgclient.PgConnectOptions options) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  private static EmbeddedPostgres embedded(Path dir, int port) throws java.io.IOException {
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

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().toList();
  }

  private static <T> T onContext(Context context, Supplier<T> work) throws Exception {
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

  private static <T> T await(Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every future has completed, successfully or not. */
  private static void settle(List<Future<Void>> futures) throws Exception {
    await(Future.join(futures).otherwiseEmpty());
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  private static void waitUntil(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
