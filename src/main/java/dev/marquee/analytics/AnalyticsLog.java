package dev.marquee.analytics;

import dev.marquee.store.WriteBehind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens in sessions, for operators: written to {@code analytics_events} in batches off the
 * hot path. Best effort by design: when the write buffer is full an event is dropped and counted,
 * never waited for. Events carry no message text, names, client ids or addresses.
 */
public final class AnalyticsLog {
  public static final String INSERT =
      "INSERT INTO analytics_events (type, session_code, occurred_at, data)"
          + " SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])";

  /** Event types. */
  public static final String SESSION_CREATED = "session_created";

  public static final String SESSION_ENDED = "session_ended";
  public static final String MEMBER_JOINED = "member_joined";
  public static final String MEMBER_LEFT = "member_left";
  public static final String MESSAGE_SENT = "message_sent";
  public static final String MESSAGE_REFUSED = "message_refused";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String REJOINED = "rejoined";

  /**
   * How long an event waits for others before its batch is written: at a thousand events a second
   * this turns a statement per event into a statement per twenty, and nobody waits on analytics.
   */
  static final Duration LINGER = Duration.ofMillis(20);

  private record Event(String type, String session, Instant at, JsonObject data) {}

  private final Clock clock;
  private final WriteBehind<Event> writer;
  private final AtomicLong dropped = new AtomicLong();

  public AnalyticsLog(Vertx vertx, Pool pool, Clock clock, int capacity, int batchMax) {
    this.clock = clock;
    this.writer =
        new WriteBehind<>(
            "analytics", vertx, pool, capacity, batchMax, LINGER, AnalyticsLog::write);
  }

  /** Records an event now; never blocks, never fails the caller. */
  public void record(String type, String session, JsonObject data) {
    if (writer.offer(new Event(type, session, clock.instant(), data)) == null) {
      dropped.incrementAndGet();
    }
  }

  public void record(String type, String session) {
    record(type, session, new JsonObject());
  }

  /** A member arrived in a session: its first connection, WebSocket or HTTP. */
  public void memberJoined(String session, String role) {
    record(MEMBER_JOINED, session, new JsonObject().put("role", role));
  }

  /**
   * A member left a live session (left, closed its last socket, or removed as idle). Members still
   * present when a session ends are not recorded one by one: the session's end says they left.
   */
  public void memberLeft(String session, String role, String reason) {
    record(MEMBER_LEFT, session, new JsonObject().put("role", role).put("reason", reason));
  }

  /** A controller's message was not accepted, for {@code reason} (its error code). */
  public void messageRefused(String session, String reason) {
    record(MESSAGE_REFUSED, session, new JsonObject().put("reason", reason));
  }

  /** Events dropped because the write buffer was full. */
  public long dropped() {
    return dropped.get();
  }

  public WriteBehind<?> writer() {
    return writer;
  }

  private static io.vertx.core.Future<Void> write(SqlClient client, List<Event> batch) {
    int n = batch.size();
    String[] types = new String[n];
    String[] sessions = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    JsonObject[] data = new JsonObject[n];
    for (int i = 0; i < n; i++) {
      Event e = batch.get(i);
      types[i] = e.type();
      sessions[i] = e.session();
      times[i] = e.at().atOffset(ZoneOffset.UTC);
      data[i] = e.data();
    }
    return client.preparedQuery(INSERT).execute(Tuple.of(types, sessions, times, data)).mapEmpty();
  }
}
