package dev.marquee.history;

import dev.marquee.presence.Role;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link HistorySql} against PostgreSQL with a session's hot window. */
final class HistoryStore {
  /** A page of messages and how many there are in all. */
  record Page(List<StoredMessage> messages, long total) {}

  /** A search result: the message and its text with each matched word between the marks. */
  record Match(StoredMessage message, String marked) {}

  record Matches(List<Match> matches, long total) {}

  /** One sender name's messages. */
  record Sender(String name, long count, Instant firstAt, Instant lastAt) {}

  private final Pool pool;

  HistoryStore(Pool pool) {
    this.pool = pool;
  }

  Future<Page> page(String code, List<StoredMessage> window, long offset, int limit) {
    return pool.preparedQuery(HistorySql.PAGE)
        .execute(params(code, window).addLong((long) limit).addLong(offset))
        .map(
            rows -> {
              long total = 0;
              List<StoredMessage> out = new ArrayList<>();
              for (Row row : rows) {
                total = row.getLong("total");
                if (row.getLong("seq") != null) {
                  out.add(read(code, row));
                }
              }
              return new Page(out, total);
            });
  }

  /** The newest {@code limit} messages, oldest first. */
  Future<List<StoredMessage>> latest(String code, List<StoredMessage> window, int limit) {
    return pool.preparedQuery(HistorySql.LATEST)
        .execute(params(code, window).addLong((long) limit))
        .map(
            rows -> {
              List<StoredMessage> out = new ArrayList<>();
              rows.forEach(row -> out.add(0, read(code, row)));
              return out;
            });
  }

  Future<Matches> search(
      String code, List<StoredMessage> window, SearchQuery query, long offset, int limit) {
    Tuple params =
        params(code, window)
            .addString(query.words())
            .addArrayOfString(query.phrases().toArray(new String[0]))
            .addLong((long) limit)
            .addLong(offset);
    return pool.preparedQuery(HistorySql.SEARCH)
        .execute(params)
        .map(
            rows -> {
              long total = 0;
              List<Match> out = new ArrayList<>();
              for (Row row : rows) {
                total = row.getLong("total");
                if (row.getLong("seq") != null) {
                  out.add(new Match(read(code, row), row.getString("highlight")));
                }
              }
              return new Matches(out, total);
            });
  }

  /** Busiest sender first. */
  Future<List<Sender>> senders(String code, List<StoredMessage> window) {
    return pool.preparedQuery(HistorySql.STATS)
        .execute(params(code, window))
        .map(HistoryStore::senders);
  }

  /** Deletes the messages up to {@code throughSeq} and hides any that arrive later. */
  Future<Void> clear(String code, long throughSeq) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(HistorySql.CLEAR_THROUGH)
                .execute(Tuple.of(code, throughSeq))
                .compose(
                    r ->
                        tx.preparedQuery(HistorySql.DELETE_THROUGH)
                            .execute(Tuple.of(code, throughSeq)))
                .mapEmpty());
  }

  private static List<Sender> senders(RowSet<Row> rows) {
    List<Sender> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(
          new Sender(
              row.getString("sender_name"),
              row.getLong("count"),
              row.getOffsetDateTime("first_at").toInstant(),
              row.getOffsetDateTime("last_at").toInstant()));
    }
    return out;
  }

  private static Tuple params(String code, List<StoredMessage> window) {
    int n = window.size();
    Long[] seqs = new Long[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] clients = new String[n];
    String[] names = new String[n];
    String[] roles = new String[n];
    String[] bodies = new String[n];
    for (int i = 0; i < n; i++) {
      StoredMessage m = window.get(i);
      seqs[i] = m.seq();
      times[i] = Instant.ofEpochMilli(m.ts()).atOffset(ZoneOffset.UTC);
      clients[i] = m.clientId();
      names[i] = m.name();
      roles[i] = m.role().wire();
      bodies[i] = m.text();
    }
    return Tuple.tuple()
        .addString(code)
        .addArrayOfLong(seqs)
        .addArrayOfOffsetDateTime(times)
        .addArrayOfString(clients)
        .addArrayOfString(names)
        .addArrayOfString(roles)
        .addArrayOfString(bodies);
  }

  private static StoredMessage read(String code, Row row) {
    return new StoredMessage(
        code,
        row.getLong("seq"),
        row.getOffsetDateTime("sent_at").toInstant().toEpochMilli(),
        row.getString("client_id"),
        row.getString("sender_name"),
        Role.fromWire(row.getString("sender_role")).orElse(Role.CONTROLLER),
        row.getString("body"));
  }
}
