package dev.marquee.history;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's whole history: the archive in PostgreSQL plus the engine's hot window. The window is
 * read first, then the archive: a message acknowledged before a read began is in the window then
 * (the Redis engine acknowledges it there) or already in the archive (the memory engine
 * acknowledges after the commit), so the read finds it exactly once.
 */
public final class HistoryService {
  private static final Logger log = LoggerFactory.getLogger(HistoryService.class);

  /** What history needs to know about sessions, without depending on the session feature. */
  public interface Sessions {
    /** The normalised code of a session that exists, live or ended; fails with 404 otherwise. */
    Future<String> requireKnown(String rawCode);

    /**
     * Succeeds if {@code bearer} is the session's owner token or the admin token (else 401/403).
     */
    Future<Void> requireOwner(String code, Optional<String> bearer, String action);

    /** The newest seq the session has issued, or empty once it has ended and will issue no more. */
    Future<OptionalLong> issuedThrough(String code);
  }

  /** The counts of {@code GET .../history/stats}; times are null when there is no message. */
  public record Stats(
      long count, Instant firstAt, Instant lastAt, List<HistoryStore.Sender> bySender) {}

  private final RecentHistory window;
  private final HistoryStore store;
  private final Sessions sessions;

  public HistoryService(RecentHistory window, Pool pool, Sessions sessions) {
    this.window = window;
    this.store = new HistoryStore(pool);
    this.sessions = sessions;
  }

  Sessions sessions() {
    return sessions;
  }

  Future<HistoryStore.Page> page(String code, long offset, int limit) {
    return window.window(code).compose(hot -> store.page(code, hot, offset, limit));
  }

  Future<List<StoredMessage>> latest(String code, int limit) {
    return window.window(code).compose(hot -> store.latest(code, hot, limit));
  }

  Future<HistoryStore.Matches> search(String code, SearchQuery query, long offset, int limit) {
    return window.window(code).compose(hot -> store.search(code, hot, query, offset, limit));
  }

  Future<Stats> stats(String code) {
    return window
        .window(code)
        .compose(hot -> store.senders(code, hot))
        .map(
            senders -> {
              long count = 0;
              Instant first = null;
              Instant last = null;
              for (HistoryStore.Sender s : senders) {
                count += s.count();
                first = first == null || s.firstAt().isBefore(first) ? s.firstAt() : first;
                last = last == null || s.lastAt().isAfter(last) ? s.lastAt() : last;
              }
              return new Stats(count, first, last, senders);
            });
  }

  /**
   * Clears everything the session has issued so far; messages it accepts afterwards are kept. The
   * archive is cleared first: from its commit on, every read hides the cleared seqs, wherever they
   * still are (the window, or the Redis outbox on its way to the archive). The window is trimmed
   * after, so that rejoining clients are not replayed what was cleared. An ended session issues no
   * more messages, so all of its seqs are cleared, including any the archive has yet to receive.
   */
  Future<Void> clear(String code) {
    return sessions
        .issuedThrough(code)
        .compose(issued -> window.window(code).map(hot -> throughSeq(issued, hot)))
        .compose(
            through ->
                store
                    .clear(code, through)
                    .compose(v -> window.clear(code, through))
                    .onSuccess(
                        v ->
                            log.info(
                                "history cleared",
                                kv("session", code),
                                kv("throughSeq", through == Long.MAX_VALUE ? "all" : through))));
  }

  /**
   * A session's record may lag its window (on the Redis engine, when another instance has just
   * ended it and the record does not say so yet), so the newer of the two counts.
   */
  private static long throughSeq(OptionalLong issued, List<StoredMessage> hot) {
    if (issued.isEmpty()) {
      return Long.MAX_VALUE;
    }
    long newest = hot.isEmpty() ? 0 : hot.get(hot.size() - 1).seq();
    return Math.max(issued.getAsLong(), newest);
  }
}
