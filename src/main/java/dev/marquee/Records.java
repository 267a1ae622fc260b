package dev.marquee;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.history.MessageArchive;
import dev.marquee.session.SessionRecords;
import dev.marquee.store.Database;
import dev.marquee.store.ServerState;
import dev.marquee.store.WriteBehind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Everything written to PostgreSQL, and the write-behind buffers behind it, as one unit. */
record Records(
    Database database,
    MessageArchive messages,
    SessionRecords sessions,
    AnalyticsLog analytics,
    ServerState serverState) {

  static Records open(Vertx vertx, Database db, Clock clock, int capacity, int batch) {
    return new Records(
        db,
        new MessageArchive(vertx, db.pool(), capacity, batch),
        new SessionRecords(vertx, db.pool(), capacity, batch),
        new AnalyticsLog(vertx, db.pool(), clock, capacity, batch),
        new ServerState(db.pool()));
  }

  private List<WriteBehind<?>> writers() {
    return List.of(messages.writer(), sessions.writer(), analytics.writer());
  }

  /** Writes waiting or in flight, all buffers together. */
  long depth() {
    return writers().stream().mapToLong(WriteBehind::depth).sum();
  }

  /** Failed write attempts so far, all buffers together. */
  long errors() {
    return writers().stream().mapToLong(WriteBehind::errors).sum();
  }

  /** Completes when every buffer is empty; fails after {@code timeout}. */
  Future<Void> drain(Duration timeout) {
    return Future.all(writers().stream().map(w -> (Future<?>) w.drain(timeout)).toList())
        .mapEmpty();
  }
}
