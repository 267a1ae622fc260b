package dev.marquee.history;

import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.util.List;

/**
 * The hot window of each session's newest messages, for replay on rejoin. The full history lives in
 * PostgreSQL; this window is what a reconnecting client can be caught up from without it.
 */
public interface RecentHistory {
  /** How many messages per session the window keeps. */
  int WINDOW = 100;

  /** The in-process window for a single instance. */
  static RecentHistory memory() {
    return new MemoryRecentHistory(WINDOW);
  }

  /** The window shared by every instance through Redis (works on a cluster too: one key each). */
  static RecentHistory redis(RedisStore store) {
    return new RedisRecentHistory(store, WINDOW);
  }

  /**
   * Appends a message; callers append in seq order per session. Keeps the newest {@link #WINDOW}.
   */
  Future<Void> append(StoredMessage message);

  /**
   * The messages after {@code afterSeq} up to {@code lastSeq}, oldest first, when the window still
   * holds all of them ({@link Replay#complete()} true); otherwise an incomplete replay, with no
   * messages, and the client must refetch history. {@code afterSeq == lastSeq} is complete and
   * empty; {@code afterSeq > lastSeq} is incomplete, since the client knows seqs this store never
   * issued (its data was lost) and cannot be vouched for.
   */
  Future<Replay> since(String session, long afterSeq, long lastSeq);

  /** Replaces the session's window, oldest first (rebuilding from the record at start-up). */
  Future<Void> load(String session, List<StoredMessage> oldestFirst);

  /** Forgets the session's window. */
  Future<Void> drop(String session);

  /**
   * Every message the window holds for the session, oldest first: history reads add those the
   * archive does not have yet.
   */
  Future<List<StoredMessage>> window(String session);

  /**
   * Removes the messages up to {@code throughSeq} (the history was cleared through it); messages
   * after it stay, and appends go on as before. A replay that would need a removed message is then
   * incomplete, so a client behind the clearing refetches history instead of being given it.
   */
  Future<Void> clear(String session, long throughSeq);

  /**
   * The session ended: nothing more is appended or replayed. A backend whose acknowledged messages
   * may not be archived yet keeps the window a while for history reads; otherwise it is dropped.
   */
  Future<Void> retire(String session);

  /** What a rejoining client can be given. */
  record Replay(boolean complete, List<StoredMessage> messages) {}
}
