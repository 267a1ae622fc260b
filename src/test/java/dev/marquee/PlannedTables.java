package dev.marquee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.store.Database;
import dev.marquee.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A fresh database migrated and filled to a realistic size, for tests that ask PostgreSQL how it
 * would run the server's queries ({@link QueryPlansTest}, {@link ReportQueryPlansTest}): each
 * statement prepared as the server prepares it and explained in both plan modes.
 */
final class PlannedTables implements AutoCloseable {
  /**
   * 20,000 sessions (200 live), 200,000 messages in time order interleaved across sessions as a
   * running server writes them, one live session holding 10,000 of them, 100,000 analytics events
   * in the last day and 300,000 more over 90 days (the default ANALYTICS_RETENTION), in a realistic
   * mix of types (mostly message_sent). Codes are a bijection of the row number onto the code
   * alphabet, so they are valid and unique but not in insertion order.
   */
  private static final List<String> LOAD =
      List.of(
          """
          CREATE TEMP TABLE codes AS
          SELECT i,
                 substr(a, (x % 31)::int + 1, 1) || substr(a, (x / 31 % 31)::int + 1, 1)
                 || substr(a, (x / 961 % 31)::int + 1, 1) || substr(a, (x / 29791 % 31)::int + 1, 1)
                 || substr(a, (x / 923521 % 31)::int + 1, 1)
                 || substr(a, (x / 28629151 % 31)::int + 1, 1) AS code
          FROM generate_series(1, 20000) i,
               LATERAL (SELECT i::bigint * 7919 % 887503681 AS x,
                               '23456789ABCDEFGHJKMNPQRSTUVWXYZ' AS a) p
          """,
          """
          INSERT INTO sessions (code, title, owner_token_hash, epoch, created_at, expires_at,
                                last_activity_at, ended_at, end_reason)
          SELECT code, 'Session ' || i, sha256(i::text::bytea), md5(i::text), t,
                 t + interval '8 hours', t + interval '1 hour',
                 CASE WHEN i <= 19800 THEN t + interval '2 hours' END,
                 CASE WHEN i <= 19800 THEN (ARRAY['expired', 'inactive', 'closed'])[1 + i % 3] END
          FROM codes, LATERAL (SELECT now() - interval '10 minutes' * (20000 - i) AS t) p
          """,
          """
          INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role,
                                body)
          SELECT c.code, m.seq, now() - interval '1 second' * m.n, 'client-' || m.n % 50,
                 'name ' || m.n % 50, 'controller', 'message ' || m.n
          FROM (SELECT n,
                       CASE WHEN n <= 10000 THEN 20000 ELSE 1 + n % 19999 END AS i,
                       CASE WHEN n <= 10000 THEN n ELSE (n - 10000) / 19999 + 1 END AS seq
                FROM generate_series(1, 200000) n) m
          JOIN codes c USING (i)
          """,
          """
          INSERT INTO analytics_events (type, session_code, occurred_at, data)
          SELECT (ARRAY['session_created', 'message_sent', 'display_joined',
                        'session_ended'])[1 + n % 4],
                 c.code, now() - interval '1 second' * n, jsonb_build_object('n', n)
          FROM generate_series(1, 100000) n JOIN codes c ON c.i = 1 + n % 20000
          """,
          """
          INSERT INTO analytics_events (type, session_code, occurred_at, data)
          SELECT t.type, c.code, now() - interval '90 days' * (n / 300000.0),
                 CASE t.type
                   WHEN 'member_joined' THEN '{"role": "controller"}'::jsonb
                   WHEN 'member_left' THEN '{"role": "controller", "reason": "left"}'::jsonb
                   WHEN 'session_ended' THEN jsonb_build_object('reason', 'closed',
                                                                'durationMs', n % 10000000)
                   ELSE '{}'::jsonb END
          FROM generate_series(1, 300000) n
          JOIN codes c ON c.i = 1 + (n / 20) % 20000
          CROSS JOIN LATERAL (SELECT (ARRAY['message_sent', 'message_sent', 'message_sent',
                 'message_sent', 'message_sent', 'message_sent', 'member_joined', 'member_left',
                 'session_created', 'session_ended', 'rate_limited', 'message_refused', 'rejoined',
                 'message_sent', 'message_sent', 'message_sent', 'message_sent', 'message_sent',
                 'message_sent', 'message_sent'])[1 + n % 20] AS type) t
          """,
          """
          UPDATE sessions s SET last_seq = m.last
          FROM (SELECT session_code, max(seq) AS last FROM messages GROUP BY 1) m
          WHERE m.session_code = s.code
          """,
          // 2,001 signed-in users own one session in four; one of them owns 500.
          """
          INSERT INTO profiles (id, display_name)
          SELECT md5('profile ' || p)::uuid, 'User ' || p FROM generate_series(0, 2000) p
          """,
          """
          UPDATE sessions s
          SET owner_profile_id =
                md5('profile ' || CASE WHEN c.i % 40 = 1 THEN 0 ELSE 1 + c.i % 2000 END)::uuid
          FROM codes c WHERE c.code = s.code AND c.i % 4 = 1
          """,
          "INSERT INTO server_state (name, value) VALUES ('memory_clean_shutdown', 'true')",
          "ANALYZE");

  enum Mode {
    CUSTOM("force_custom_plan"),
    GENERIC("force_generic_plan");

    final String setting;

    Mode(String setting) {
      this.setting = setting;
    }
  }

  private final DatabaseUrl url;
  private final Connection db;

  /** The busiest session (10,000 messages), live. */
  final String busiest;

  /** The 200 live sessions, busiest first. */
  final List<String> live;

  private PlannedTables(DatabaseUrl url, Connection db) throws SQLException {
    this.url = url;
    this.db = db;
    try (Statement s = db.createStatement()) {
      for (String sql : LOAD) {
        s.execute(sql);
      }
    }
    busiest = single("SELECT code FROM sessions ORDER BY last_seq DESC LIMIT 1");
    live = column("SELECT code FROM sessions WHERE ended_at IS NULL ORDER BY last_seq DESC");
    assertThat(single("SELECT count(*) FROM messages WHERE session_code = '" + busiest + "'"))
        .isEqualTo("10000");
    assertThat(live).hasSize(200).contains(busiest);
  }

  static PlannedTables load() throws SQLException {
    DatabaseUrl url = TestPostgres.freshDatabase();
    Database.migrate(url);
    return new PlannedTables(url, TestPostgres.connect(url));
  }

  @Override
  public void close() throws SQLException {
    db.close();
    TestPostgres.drop(url);
  }

  /** Runs one statement on the loaded database (a session setting, say). */
  void execute(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  /** Prepares {@code sql} as the server does and explains it in both plan modes. */
  List<Plan> plans(String sql, String... args) throws SQLException {
    List<Plan> out = new ArrayList<>();
    try (Statement s = db.createStatement()) {
      for (Mode mode : Mode.values()) {
        s.execute("SET plan_cache_mode = " + mode.setting);
        s.execute("PREPARE q AS " + sql);
        try (ResultSet rs =
            s.executeQuery(
                "EXPLAIN (FORMAT JSON) EXECUTE q"
                    + (args.length == 0 ? "" : "(" + String.join(", ", args) + ")"))) {
          rs.next();
          out.add(new Plan(mode, new JsonArray(rs.getString(1)).getJsonObject(0)));
        } finally {
          s.execute("DEALLOCATE q");
        }
      }
      s.execute("RESET plan_cache_mode");
    }
    return out;
  }

  String single(String sql) throws SQLException {
    return column(sql).get(0);
  }

  List<String> column(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String array(List<String> values) {
    return quote(
        values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(",", "{", "}")));
  }

  /** The session code, its hot window as the statements take it ($2..$7), then {@code more}. */
  String[] window(String code, Object... more) throws SQLException {
    List<String> seqs = new ArrayList<>();
    List<String> times = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, sent_at, body FROM messages WHERE session_code = "
                    + quote(code)
                    + " ORDER BY seq DESC LIMIT 100")) {
      while (rs.next()) {
        seqs.add(0, rs.getString(1));
        times.add(0, rs.getObject(2, java.time.OffsetDateTime.class).toString());
        bodies.add(0, rs.getString(3));
      }
    }
    List<String> args = new ArrayList<>();
    args.add(quote(code));
    args.add(array(seqs));
    args.add(array(times));
    args.add(array(Collections.nCopies(seqs.size(), "client-1")));
    args.add(array(Collections.nCopies(seqs.size(), "Ana")));
    args.add(array(Collections.nCopies(seqs.size(), "controller")));
    args.add(array(bodies));
    for (Object o : more) {
      args.add(o.toString());
    }
    return args.toArray(new String[0]);
  }

  /** One EXPLAIN (FORMAT JSON) result: {@code {"Plan": {...}}}. */
  record Plan(Mode mode, JsonObject explained) {
    JsonObject root() {
      return explained.getJsonObject("Plan");
    }

    List<JsonObject> nodes() {
      List<JsonObject> out = new ArrayList<>();
      collect(root(), out);
      return out;
    }

    List<String> nodeTypes() {
      return nodes().stream().map(n -> n.getString("Node Type")).toList();
    }

    /** How each scan reaches {@code table}, in the words of text EXPLAIN. */
    List<String> scansOf(String table) {
      List<String> out = new ArrayList<>();
      for (JsonObject node : nodes()) {
        String type = node.getString("Node Type");
        if (!table.equals(node.getString("Relation Name")) || "ModifyTable".equals(type)) {
          continue;
        }
        if ("Bitmap Heap Scan".equals(type)) {
          List<JsonObject> below = new ArrayList<>();
          collectBitmapInputs(node, below);
          for (JsonObject b : below) {
            if (b.containsKey("Index Name")) {
              out.add(type + " using " + b.getString("Index Name"));
            }
          }
        } else if (node.containsKey("Index Name")) {
          boolean backward = "Backward".equals(node.getString("Scan Direction"));
          out.add(type + (backward ? " Backward" : "") + " using " + node.getString("Index Name"));
        } else {
          out.add(type);
        }
      }
      return out;
    }

    List<String> arbiterIndexes() {
      JsonArray arbiters = root().getJsonArray("Conflict Arbiter Indexes", new JsonArray());
      return arbiters.stream().map(String::valueOf).toList();
    }

    String text() {
      return mode + " plan:\n" + explained.encodePrettily();
    }

    /** The index scans feeding a bitmap, not the sub-plans that compute its parameters. */
    private static void collectBitmapInputs(JsonObject node, List<JsonObject> out) {
      out.add(node);
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          JsonObject child = children.getJsonObject(i);
          String relation = child.getString("Parent Relationship", "");
          if (!relation.equals("InitPlan") && !relation.equals("SubPlan")) {
            collectBitmapInputs(child, out);
          }
        }
      }
    }

    private static void collect(JsonObject node, List<JsonObject> out) {
      out.add(node);
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          collect(children.getJsonObject(i), out);
        }
      }
    }
  }
}
