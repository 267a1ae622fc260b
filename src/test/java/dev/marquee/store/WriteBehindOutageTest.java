package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-behind buffer while its PostgreSQL goes away or runs out of connections. */
class WriteBehindOutageTest extends WriteBehindFixture {
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
}
