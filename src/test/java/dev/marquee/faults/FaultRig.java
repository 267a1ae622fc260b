package dev.marquee.faults;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.ServerProcess;
import dev.marquee.testing.TcpProxy;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two (or more) server processes, as an operator runs them, on a Redis of the rig's own (so it can
 * be killed and restarted) and a fresh PostgreSQL database reached through a proxy the rig can cut
 * (a stopped database, as the servers see it: connections reset, new ones refused).
 */
final class FaultRig implements AutoCloseable {
  final ChildRedis redis;
  final DatabaseUrl db;
  final TcpProxy database;
  final String prefix = TestRedis.uniquePrefix();
  private final List<ServerProcess> servers = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();

  private FaultRig(ChildRedis redis, DatabaseUrl db, TcpProxy database) {
    this.redis = redis;
    this.db = db;
    this.database = database;
  }

  /** Starts Redis (with {@code redisArgs}) and {@code instances} servers with {@code extraEnv}. */
  static FaultRig start(int instances, Map<String, String> extraEnv, String... redisArgs)
      throws IOException {
    ChildRedis redis = ChildRedis.start(redisArgs);
    DatabaseUrl db = TestPostgres.freshDatabase();
    TcpProxy proxy = new TcpProxy(TestPostgres.HOST, TestPostgres.PORT);
    FaultRig rig = new FaultRig(redis, db, proxy);
    rig.env.put("REDIS_URL", redis.url());
    rig.env.put("REDIS_KEY_PREFIX", rig.prefix);
    rig.env.put(
        "DATABASE_URL",
        "postgresql://" + db.user() + "@127.0.0.1:" + proxy.port() + "/" + db.database());
    rig.env.put("RATE_LIMIT_MAX_REQUESTS", "1000000");
    rig.env.put("RATE_LIMIT_IP_MAX_REQUESTS", "1000000");
    // The tests poll presence and history over HTTP from one address.
    rig.env.put("RATE_LIMIT_HTTP_PER_IP", "1000000");
    rig.env.put("HEALTH_CHECK_TIMEOUT_MS", "500");
    rig.env.put("REDIS_OUTBOX_CLAIM_AFTER_MS", "3000");
    rig.env.put("LOG_LEVEL", "info");
    rig.env.putAll(extraEnv);
    try {
      for (int i = 0; i < instances; i++) {
        rig.servers.add(ServerProcess.launch(rig.env));
      }
      rig.servers.forEach(s -> s.awaitReady(java.time.Duration.ofSeconds(60)));
    } catch (RuntimeException | IOException e) {
      rig.close();
      throw e;
    }
    return rig;
  }

  ServerProcess server(int i) {
    return servers.get(i);
  }

  int port(int i) {
    return servers.get(i).port();
  }

  int instances() {
    return servers.size();
  }

  /** Creates a session on instance 0 and returns its code. */
  String createSession() throws IOException, InterruptedException {
    return new JsonObject(servers.get(0).post("/api/session", "{}").body()).getString("code");
  }

  /**
   * The session's stored messages in PostgreSQL, seq -> message number, read directly (not through
   * the rig's proxy); empty while the query fails.
   */
  Map<Long, Long> stored(String code) {
    Map<Long, Long> out = new HashMap<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT seq, body FROM messages WHERE session_code = '" + code + "'")) {
      while (rs.next()) {
        out.put(rs.getLong(1), LoadMember.number(rs.getString(2)));
      }
    } catch (java.sql.SQLException e) {
      return Map.of();
    }
    return out;
  }

  /** Creates {@link FaultLoad#SESSIONS} sessions and adds each, with its members, to the load. */
  List<String> sessionsUnder(SteadyLoad load) throws IOException, InterruptedException {
    List<String> codes = new ArrayList<>();
    for (int s = 0; s < FaultLoad.SESSIONS; s++) {
      String code = createSession();
      codes.add(code);
      load.addSession(code, FaultLoad.DISPLAYS);
    }
    return codes;
  }

  /**
   * Waits until every message the load's controllers had acknowledged is in PostgreSQL under its
   * seq, and checks none is stored twice; returns the seconds it took.
   */
  double awaitArchived(SteadyLoad load, java.time.Duration within) {
    return awaitArchived(load, within, (code, k) -> true);
  }

  /** {@link #awaitArchived(SteadyLoad, java.time.Duration)} for the messages {@code required}. */
  double awaitArchived(
      SteadyLoad load,
      java.time.Duration within,
      java.util.function.BiPredicate<String, Long> required) {
    long start = System.nanoTime();
    Verdict.ackedBySession(load.members())
        .forEach(
            (code, kToSeq) -> {
              Map<Long, Long> expected = new HashMap<>();
              kToSeq.forEach(
                  (k, seq) -> {
                    if (required.test(code, k)) {
                      expected.put(seq, k);
                    }
                  });
              dev.marquee.testing.Eventually.until(
                  within,
                  () -> stored(code).entrySet().containsAll(expected.entrySet()),
                  "every acknowledged message of "
                      + code
                      + " in PostgreSQL (logs: "
                      + logs()
                      + ")");
              Map<Long, Long> stored = stored(code);
              org.assertj.core.api.Assertions.assertThat(new java.util.HashSet<>(stored.values()))
                  .as("no message of " + code + " stored twice")
                  .hasSize(stored.size());
            });
    return (System.nanoTime() - start) / 1e9;
  }

  /** {@code redis-cli} against the rig's Redis: the reply's non-blank lines. */
  List<String> redisCli(String... args) {
    return redis.cli(args);
  }

  /** Where a test's failure can be read: the servers' own logs. */
  String logs() {
    StringBuilder s = new StringBuilder();
    for (ServerProcess p : servers) {
      s.append(p.dir().resolve("stdout.log")).append(' ');
    }
    return s.toString();
  }

  @Override
  public void close() {
    servers.forEach(ServerProcess::close);
    database.restore();
    database.close();
    redis.close();
    TestPostgres.drop(db);
  }
}
