package dev.marquee.session;

import dev.marquee.store.WriteBehind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code sessions} table. Creation is written at once (the creator waits for it); endings go
 * through a write-behind buffer because nobody waits for them.
 */
public final class SessionRecords {
  static final String COLUMNS =
      "code, title, owner_token_hash, owner_profile_id, epoch, created_at, expires_at,"
          + " last_activity_at, last_seq, ended_at, end_reason";
  public static final String INSERT =
      "INSERT INTO sessions (code, title, owner_token_hash, epoch, created_at, expires_at,"
          + " last_activity_at, owner_profile_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
          + " ON CONFLICT (code) DO NOTHING";
  public static final String FIND = "SELECT " + COLUMNS + " FROM sessions WHERE code = $1";
  public static final String LIVE =
      "SELECT " + COLUMNS + " FROM sessions WHERE ended_at IS NULL ORDER BY expires_at";
  public static final String END =
      "UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE code = $1 AND ended_at IS NULL";
  public static final String SET_EPOCH = "UPDATE sessions SET epoch = $2 WHERE code = $1";

  /** A user's sessions, newest first (index sessions_owner_idx, V4). */
  public static final String OWNED =
      "SELECT "
          + COLUMNS
          + " FROM sessions WHERE owner_profile_id = $1 ORDER BY created_at DESC, code DESC"
          + " LIMIT $2 OFFSET $3";

  /**
   * A session row, with what the engine never holds: the owner-token hash and the profile of the
   * signed-in user who created it (null for an anonymous session).
   */
  public record SessionRecord(SessionState state, byte[] ownerTokenHash, UUID ownerProfileId) {}

  private record Ending(String code, Instant at, EndReason reason) {}

  private final Pool pool;
  private final WriteBehind<Ending> endings;

  public SessionRecords(Vertx vertx, Pool pool, int capacity, int batchMax) {
    this.pool = pool;
    this.endings =
        new WriteBehind<>(
            "sessions", vertx, pool, capacity, batchMax, SessionRecords::writeEndings);
  }

  /**
   * Inserts a new session, owned by {@code ownerProfileId} if not null (that profile must exist);
   * false if the code is taken (the caller picks another).
   */
  public Future<Boolean> insert(SessionState s, byte[] ownerTokenHash, UUID ownerProfileId) {
    return pool.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                s.code(),
                s.title(),
                Buffer.buffer(ownerTokenHash),
                s.epoch(),
                odt(s.createdAt()),
                odt(s.expiresAt()),
                odt(s.lastActivityAt()),
                ownerProfileId))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<SessionRecord>> find(String code) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(code))
        .map(
            rows ->
                rows.iterator().hasNext()
                    ? Optional.of(read(rows.iterator().next()))
                    : Optional.empty());
  }

  /** The sessions {@code owner} created, newest first, as recorded (an ending may lag). */
  public Future<List<SessionState>> owned(UUID owner, int limit, long offset) {
    return pool.preparedQuery(OWNED)
        .execute(Tuple.of(owner, limit, offset))
        .map(
            rows -> {
              List<SessionState> out = new ArrayList<>();
              for (Row row : rows) {
                out.add(read(row).state());
              }
              return out;
            });
  }

  /** Every session not yet ended, soonest expiry first. */
  public Future<List<SessionState>> live() {
    return pool.preparedQuery(LIVE)
        .execute()
        .map(
            rows -> {
              List<SessionState> out = new ArrayList<>();
              for (Row row : rows) {
                out.add(read(row).state());
              }
              return out;
            });
  }

  /**
   * Records the ending off the hot path; completes when committed. Null if the buffer is full: the
   * ending is then not recorded, and a restart would bring the session back until its lifetime or
   * inactivity ends it again.
   */
  public Future<Void> recordEnd(String code, Instant at, EndReason reason) {
    return endings.offer(new Ending(code, at, reason));
  }

  public Future<Void> setEpoch(String code, String epoch) {
    return pool.preparedQuery(SET_EPOCH).execute(Tuple.of(code, epoch)).mapEmpty();
  }

  public WriteBehind<?> writer() {
    return endings;
  }

  private static Future<Void> writeEndings(SqlConnection tx, List<Ending> batch) {
    List<Tuple> tuples = new ArrayList<>(batch.size());
    for (Ending e : batch) {
      tuples.add(Tuple.of(e.code(), odt(e.at()), e.reason().wire()));
    }
    return tx.preparedQuery(END).executeBatch(tuples).mapEmpty();
  }

  private static SessionRecord read(Row row) {
    OffsetDateTime ended = row.getOffsetDateTime("ended_at");
    String reason = row.getString("end_reason");
    SessionState state =
        new SessionState(
            row.getString("code"),
            row.getString("title"),
            row.getOffsetDateTime("created_at").toInstant(),
            row.getOffsetDateTime("expires_at").toInstant(),
            row.getOffsetDateTime("last_activity_at").toInstant(),
            row.getLong("last_seq"),
            row.getString("epoch"),
            ended == null ? null : ended.toInstant(),
            reason == null ? null : EndReason.fromWire(reason),
            null);
    return new SessionRecord(
        state, row.getBuffer("owner_token_hash").getBytes(), row.getUUID("owner_profile_id"));
  }

  static OffsetDateTime odt(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
