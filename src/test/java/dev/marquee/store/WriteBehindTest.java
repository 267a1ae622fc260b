package dev.marquee.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The write-behind buffer against a real PostgreSQL: order, batching, its bound, rejected rows. */
class WriteBehindTest extends WriteBehindFixture {
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

  /**
   * A lingering single-statement writer: an item offered to an idle writer waits for the items that
   * follow it in later event-loop turns, and they are written together, without a transaction (the
   * sink is handed the pool itself).
   */
  @Test
  void aLingeringStatementWriterBatchesItemsOfferedSeparately() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Object> clients = new ArrayList<>();
    WriteBehind<Item> writer =
        onContext(
            context,
            () ->
                new WriteBehind<Item>(
                    "lingering",
                    vertx,
                    pool,
                    100,
                    50,
                    Duration.ofSeconds(5),
                    (client, batch) -> {
                      clients.add(client);
                      return insert(client, batch);
                    }));

    // Each offer in its own task on the writer's context: without the linger the first would be
    // flushed alone before the second is offered.
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int id = i;
      done.add(onContext(context, () -> writer.offer(Item.of(id))));
    }
    await(Future.all(done));

    assertThat(idsInCommitOrder()).containsExactly(1, 2, 3);
    assertThat(batchSizes).containsExactly(3);
    assertThat(clients).containsExactly(pool);
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
}
