package dev.marquee.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Small named facts about the server kept in PostgreSQL (table {@code server_state}). */
public final class ServerState {
  public static final String SELECT = "SELECT value FROM server_state WHERE name = $1";
  public static final String UPSERT =
      "INSERT INTO server_state (name, value, updated_at) VALUES ($1, $2, now())"
          + " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()";

  private final Pool pool;

  public ServerState(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<String>> get(String name) {
    return pool.preparedQuery(SELECT)
        .execute(Tuple.of(name))
        .map(
            rows ->
                Optional.ofNullable(
                    rows.iterator().hasNext() ? value(rows.iterator().next()) : null));
  }

  public Future<Void> set(String name, String value) {
    return pool.preparedQuery(UPSERT).execute(Tuple.of(name, value)).mapEmpty();
  }

  private static String value(Row row) {
    return row.getString(0);
  }
}
