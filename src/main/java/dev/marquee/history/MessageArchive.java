package dev.marquee.history;

import dev.marquee.presence.Role;
import dev.marquee.store.WriteBehind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code messages} table, written in batches through a bounded write-behind buffer. Each batch
 * also advances its sessions' {@code last_seq} and {@code last_activity_at} in the same
 * transaction, so the record of a session's seq never falls behind its stored messages.
 */
public final class MessageArchive {
  /**
   * Stores a batch in one statement: advances each session's {@code last_seq} and {@code
   * last_activity_at} ($8..$10, one row per session), then inserts the messages ($1..$7).
   *
   * <p>Sessions first: the update locks their rows until the statement commits, and a message is
   * inserted only past the clearing point its session's updated row returns, which is the newest
   * committed one (a concurrent clearing is either committed before the update takes the row, and
   * the update sees it, or waits for this statement and then deletes what it inserted). The
   * statement's snapshot could miss that clearing, so the point is read from the update's {@code
   * RETURNING}, not by a sub-select. Messages whose session row is gone (the retention sweep
   * removed it with its history) join no updated row and are skipped, which the foreign key would
   * otherwise refuse, failing the batch; so are those the Redis outbox delivers after their history
   * was cleared. One statement needs no transaction: the batch costs one round trip, not four.
   */
  public static final String ARCHIVE =
      "WITH advanced AS (UPDATE sessions s SET last_seq = GREATEST(s.last_seq, v.seq),"
          + " last_activity_at = GREATEST(s.last_activity_at, v.at)"
          + " FROM unnest($8::text[], $9::bigint[], $10::timestamptz[]) AS v(code, seq, at)"
          + " WHERE s.code = v.code RETURNING s.code, s.history_cleared_through)"
          + " INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role,"
          + " body)"
          + " SELECT v.code, v.seq, v.at, v.client, v.name, v.role, v.body"
          + " FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[],"
          + " $5::text[], $6::text[], $7::text[]) AS v(code, seq, at, client, name, role, body)"
          + " JOIN advanced a ON a.code = v.code WHERE v.seq > a.history_cleared_through"
          + " ON CONFLICT (session_code, seq) DO NOTHING";

  /**
   * The limit is a sub-select so the planner cannot see it: with a visible LIMIT 100 and an average
   * of a few messages per session, it would read and sort every message of a busy session instead
   * of walking the primary key backwards (QueryPlansTest).
   */
  public static final String RECENT =
      "SELECT m.session_code, m.seq, m.sent_at, m.client_id, m.sender_name, m.sender_role, m.body"
          + " FROM unnest($1::text[]) AS c(code) CROSS JOIN LATERAL (SELECT * FROM messages"
          + " WHERE session_code = c.code ORDER BY seq DESC LIMIT (SELECT $2::int)) m";

  private final Pool pool;
  private final WriteBehind<StoredMessage> writer;

  public MessageArchive(Vertx vertx, Pool pool, int capacity, int batchMax) {
    this.pool = pool;
    this.writer =
        new WriteBehind<>(
            "messages", vertx, pool, capacity, batchMax, Duration.ZERO, MessageArchive::write);
  }

  /** Holds a place in the buffer for one message; false when the buffer is full. */
  public boolean reserve() {
    return writer.reserve();
  }

  /** Gives back a place taken by {@link #reserve()} that will not be used. */
  public void release() {
    writer.release();
  }

  /** Stores a message in a reserved place; completes when it is committed. */
  public Future<Void> append(StoredMessage message) {
    return writer.offerReserved(message);
  }

  /**
   * Stores a batch in one statement, now (not through the buffer): for a caller that has its own
   * queue and retries, such as the Redis outbox. Storing a message twice is harmless.
   */
  public Future<Void> store(List<StoredMessage> batch) {
    return write(pool, batch);
  }

  public WriteBehind<StoredMessage> writer() {
    return writer;
  }

  /**
   * The newest {@code limit} messages of each session, oldest first, for warming the hot window.
   */
  public Future<Map<String, List<StoredMessage>>> recent(List<String> sessions, int limit) {
    if (sessions.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery(RECENT)
        .execute(Tuple.of(sessions.toArray(new String[0]), limit))
        .map(
            rows -> {
              Map<String, List<StoredMessage>> out = new LinkedHashMap<>();
              for (Row row : rows) {
                StoredMessage m = read(row);
                out.computeIfAbsent(m.session(), k -> new ArrayList<>()).add(m);
              }
              out.values().forEach(list -> list.sort((a, b) -> Long.compare(a.seq(), b.seq())));
              return out;
            });
  }

  private static Future<Void> write(SqlClient client, List<StoredMessage> batch) {
    int n = batch.size();
    String[] codes = new String[n];
    Long[] seqs = new Long[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] clients = new String[n];
    String[] names = new String[n];
    String[] roles = new String[n];
    String[] bodies = new String[n];
    Map<String, StoredMessage> newest = new HashMap<>();
    for (int i = 0; i < n; i++) {
      StoredMessage m = batch.get(i);
      codes[i] = m.session();
      seqs[i] = m.seq();
      times[i] = odt(m.ts());
      clients[i] = m.clientId();
      names[i] = m.name();
      roles[i] = m.role().wire();
      bodies[i] = m.text();
      newest.merge(m.session(), m, (a, b) -> a.seq() >= b.seq() ? a : b);
    }
    String[] sessionCodes = new String[newest.size()];
    Long[] lastSeqs = new Long[newest.size()];
    OffsetDateTime[] lastTimes = new OffsetDateTime[newest.size()];
    int i = 0;
    for (StoredMessage m : newest.values()) {
      sessionCodes[i] = m.session();
      lastSeqs[i] = m.seq();
      lastTimes[i] = odt(m.ts());
      i++;
    }
    return client
        .preparedQuery(ARCHIVE)
        .execute(
            Tuple.from(
                new Object[] {
                  codes,
                  seqs,
                  times,
                  clients,
                  names,
                  roles,
                  bodies,
                  sessionCodes,
                  lastSeqs,
                  lastTimes
                }))
        .mapEmpty();
  }

  static StoredMessage read(Row row) {
    return new StoredMessage(
        row.getString("session_code"),
        row.getLong("seq"),
        row.getOffsetDateTime("sent_at").toInstant().toEpochMilli(),
        row.getString("client_id"),
        row.getString("sender_name"),
        Role.fromWire(row.getString("sender_role")).orElse(Role.CONTROLLER),
        row.getString("body"));
  }

  private static OffsetDateTime odt(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
  }
}
