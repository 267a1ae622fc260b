package dev.marquee.bus;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one process listens to on one session's channel, and the subscribes still waiting for
 * Redis to confirm it. Confined to the bus's context.
 */
final class RoomListeners {
  private static final Logger log = LoggerFactory.getLogger(RoomListeners.class);

  /** One subscription; identity tells two subscriptions of the same listener apart. */
  static final class Entry {
    private final Consumer<RoomEvent> listener;

    Entry(Consumer<RoomEvent> listener) {
      this.listener = listener;
    }
  }

  private record Waiter(Entry entry, long timer, Consumer<AsyncResult<Void>> done) {}

  private final String session;
  private final Vertx vertx;
  // Copy-on-write: a listener may cancel, or subscribe, while it is being called.
  private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
  private List<Waiter> waiters = new ArrayList<>();
  private boolean confirmed;

  RoomListeners(String session, Vertx vertx) {
    this.session = session;
    this.vertx = vertx;
  }

  String session() {
    return session;
  }

  /** Whether Redis confirmed the subscription on the current connection. */
  boolean confirmed() {
    return confirmed;
  }

  void add(Entry entry) {
    entries.add(entry);
  }

  /** Adds a subscribe to complete on confirmation; {@code timer} is its timeout, cancelled then. */
  void await(Entry entry, long timer, Consumer<AsyncResult<Void>> done) {
    waiters.add(new Waiter(entry, timer, done));
  }

  /** Removes the entry; true if it was there. */
  boolean remove(Entry entry) {
    return entries.remove(entry);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void confirm() {
    confirmed = true;
    settle(Future.succeededFuture());
  }

  /** The connection is gone: nothing is subscribed until Redis confirms again. */
  void unconfirm() {
    confirmed = false;
  }

  /** Fails the entry's pending subscribe; true if it was pending. */
  boolean fail(Entry entry, Throwable cause) {
    for (Waiter w : waiters) {
      if (w.entry() == entry) {
        waiters.remove(w);
        vertx.cancelTimer(w.timer());
        w.done().accept(Future.failedFuture(cause));
        return true;
      }
    }
    return false;
  }

  void failAll(Throwable cause) {
    settle(Future.failedFuture(cause));
  }

  private void settle(AsyncResult<Void> result) {
    // Swapped out first: completing a subscribe runs its caller's code, which may subscribe again.
    List<Waiter> done = waiters;
    waiters = new ArrayList<>();
    for (Waiter w : done) {
      vertx.cancelTimer(w.timer());
      w.done().accept(result);
    }
  }

  void deliver(RoomEvent event) {
    for (Entry entry : entries) {
      // A listener's failure is its own; the others must still hear the event.
      try {
        entry.listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("room listener failed", kv("session", session), kv("reason", String.valueOf(e)));
      }
    }
  }
}
