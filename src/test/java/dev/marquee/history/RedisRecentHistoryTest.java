package dev.marquee.history;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.presence.Role;
import dev.marquee.store.RedisStore;
import dev.marquee.testing.RedisMonitor;
import dev.marquee.testing.RedisStores;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisRecentHistoryTest extends RecentHistoryContract {
  private final RedisStores redis = new RedisStores();

  @Override
  protected RecentHistory create() {
    return RecentHistory.redis(redis.open());
  }

  private RedisStore store() {
    return redis.first();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  private List<String> entries(String session) {
    List<String> out = new ArrayList<>();
    await(store().send(Command.LRANGE, store().keys().history(session), 0, -1))
        .forEach(r -> out.add(r.toString()));
    return out;
  }

  private long ttl(String session) {
    return await(store().send(Command.PTTL, store().keys().history(session))).toLong();
  }

  @Test
  void listHoldsTheDocumentedJsonNewestFirstAndExpires() {
    append("AAAAAA", 1, 3);

    List<String> entries = entries("AAAAAA");
    assertThat(entries).hasSize(3);
    assertThat(new JsonObject(entries.get(0)))
        .isEqualTo(
            new JsonObject(
                "{\"session\":\"AAAAAA\",\"seq\":3,\"ts\":1764161234570,"
                    + "\"from\":{\"clientId\":\"c-1\",\"name\":\"Alice\",\"role\":\"controller\"},"
                    + "\"text\":\"hello 3\"}"));
    assertThat(StoredMessageJson.decode(entries.get(2))).isEqualTo(message("AAAAAA", 1));
    assertThat(ttl("AAAAAA"))
        .isPositive()
        .isLessThanOrEqualTo(RedisRecentHistory.EXPIRY.toMillis());
  }

  @Test
  void appendTrimsToTheWindow() {
    append("AAAAAA", 1, RecentHistory.WINDOW + 5);

    assertThat(entries("AAAAAA")).hasSize(RecentHistory.WINDOW);
  }

  @Test
  void loadedWindowExpiresAndLoadingNothingLeavesNoKey() {
    await(history.load("AAAAAA", messages("AAAAAA", 1, 5)));
    assertThat(ttl("AAAAAA")).isPositive();

    await(history.load("AAAAAA", List.of()));
    assertThat(ttl("AAAAAA")).as("no key").isEqualTo(-2);
  }

  @Test
  void readsMessagesALuaScriptWroteWithCjson() {
    // The message-intake script encodes with cjson: its own field order, and / escaped.
    String key = store().keys().history("AAAAAA");
    String script =
        "return redis.call('LPUSH', KEYS[1], cjson.encode({session = 'AAAAAA', seq = 1,"
            + " ts = tonumber(ARGV[1]), from = {clientId = 'c-1', name = 'Alice',"
            + " role = 'controller'}, text = 'a/b'}))";
    await(store().send(Command.EVAL, script, 1, key, "1764161234568"));

    StoredMessage expected =
        new StoredMessage("AAAAAA", 1, 1_764_161_234_568L, "c-1", "Alice", Role.CONTROLLER, "a/b");
    assertThat(await(history.since("AAAAAA", 0, 1)).messages()).containsExactly(expected);
  }

  @Test
  void appendIsOneScriptCall() throws Exception {
    append("AAAAAA", 1, 1); // loads the script if this server has never seen it
    String marker = store().keys().prefix() + ":marker";

    try (RedisMonitor monitor = RedisMonitor.watch(store().keys().prefix())) {
      append("AAAAAA", 2, 3);
      await(store().send(Command.EXISTS, marker));

      assertThat(monitor.clientCommandsUntil(marker)).containsExactly("evalsha", "evalsha");
    }
  }

  /** The outbox may still hold the newest messages of an ended session: reads need the window. */
  @Test
  void retiringKeepsTheWindowForAnHourAtMost() {
    append("AAAAAA", 1, 3);

    await(history.retire("AAAAAA"));

    assertThat(await(history.window("AAAAAA"))).containsExactlyElementsOf(messages("AAAAAA", 1, 3));
    assertThat(ttl("AAAAAA"))
        .isPositive()
        .isLessThanOrEqualTo(RedisRecentHistory.RETIRED_EXPIRY.toMillis());
  }

  @Test
  void clearingKeepsTheExpiryAndDeletesAnEmptiedWindow() {
    append("AAAAAA", 1, 5);

    await(history.clear("AAAAAA", 2));
    assertThat(entries("AAAAAA")).hasSize(3);
    assertThat(ttl("AAAAAA")).isPositive();

    await(history.clear("AAAAAA", 5));
    assertThat(ttl("AAAAAA")).as("no key").isEqualTo(-2);
  }
}
