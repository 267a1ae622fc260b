package dev.marquee.messaging;

import static dev.marquee.testing.Await.await;

import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;
import dev.marquee.config.DatabaseUrl;
import dev.marquee.history.MessageArchive;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionRecords;
import dev.marquee.session.SessionState;
import dev.marquee.session.SessionStore;
import dev.marquee.store.Database;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class MemoryMessageIntakeTest extends MessageIntakeContract {

  @Override
  protected Fixture create() throws Exception {
    DatabaseUrl url = TestPostgres.freshDatabase();
    Database.migrate(url);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(connect(url)).using(vertx).build();
    MessageArchive archive = new MessageArchive(vertx, pool, 10_000, 100);
    SessionRecords records = new SessionRecords(vertx, pool, 100, 10);
    SessionStore sessions = SessionStore.memory();
    RecentHistory history = RecentHistory.memory();
    RoomBus bus = RoomBus.memory();
    MessageIntake intake =
        MessageIntake.memory(
            clock, LIMITS, sessions, history, RateLimiter.memory(clock), bus, archive);
    Map<String, List<Long>> published = new ConcurrentHashMap<>();
    return new Fixture() {
      @Override
      public MessageIntake intake() {
        return intake;
      }

      @Override
      public void createSession(String code) throws Exception {
        var now = clock.instant();
        SessionState s =
            new SessionState(code, "", now, now.plusSeconds(86_400), now, 0, "e", null, null, null);
        await(records.insert(s, new byte[32], null));
        await(sessions.put(s));
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        published.put(code, seen);
        await(
            bus.subscribe(
                code,
                e -> {
                  if (e instanceof RoomEvent.Message m) {
                    seen.add(m.message().seq());
                  }
                }));
      }

      @Override
      public void endSession(String code) throws Exception {
        await(sessions.end(code, dev.marquee.session.EndReason.CLOSED, clock.instant()));
      }

      @Override
      public List<Long> published(String code) {
        return new ArrayList<>(published.getOrDefault(code, List.of()));
      }

      @Override
      public List<Long> history(String code) throws Exception {
        long last = lastSeq(code);
        return await(history.since(code, 0, last)).messages().stream()
            .map(StoredMessage::seq)
            .toList();
      }

      @Override
      public long lastSeq(String code) throws Exception {
        return await(sessions.find(code)).map(SessionState::lastSeq).orElse(-1L);
      }

      @Override
      public void close() throws Exception {
        await(archive.writer().drain(java.time.Duration.ofSeconds(10)));
        await(pool.close());
        await(vertx.close());
        TestPostgres.drop(url);
      }
    };
  }

  private static io.vertx.pgclient.PgConnectOptions connect(DatabaseUrl url) {
    return new io.vertx.pgclient.PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user());
  }
}
