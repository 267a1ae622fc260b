package dev.marquee.bus;

import dev.marquee.store.RedisStore;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Fan-out of {@link RoomEvent}s to every instance that has members of the session.
 *
 * <p>Ordering: events published for one session by one publisher arrive at every listener in
 * publish order, even when the publisher does not wait for one publish before the next; messages
 * additionally arrive in seq order because the intake publishes them in seq order. Listeners are
 * called on the publisher's thread (memory) or the bus's connection thread (distributed backends)
 * and must hand work to their own context without blocking. Futures complete on the caller's
 * context.
 *
 * <p>Outage (distributed backends): while the bus cannot reach its server, events published
 * elsewhere are lost for this instance (its clients see a gap in seqs and recover it on rejoin),
 * {@link #healthy()} is false, publishing fails, and subscribing waits for the connection to come
 * back or fails.
 */
public interface RoomBus {

  /** Fan-out within this process. */
  static RoomBus memory() {
    return new MemoryRoomBus();
  }

  /** Fan-out across instances over Redis pub/sub on the store's {@code P:room:{CODE}} channels. */
  static RoomBus redis(RedisStore store) {
    return new RedisRoomBus(store, RedisRoomBus.Timings.DEFAULT);
  }

  /**
   * Starts delivering the session's events to {@code listener}; active once the future completes:
   * every event published after that reaches the listener. Fails, leaving nothing subscribed, when
   * a distributed backend cannot confirm the subscription in time.
   */
  Future<Subscription> subscribe(String session, Consumer<RoomEvent> listener);

  /**
   * Delivers the event to every current subscriber of its session. A listener that throws does not
   * keep the event from the others, nor fail the publication. Fails when the event could not be
   * handed to the fan-out; then no listener got it.
   */
  Future<Void> publish(RoomEvent event);

  /**
   * Whether events published now reach this process's listeners: false while a distributed backend
   * is disconnected or still subscribing again after a reconnect. For the readiness check.
   */
  default boolean healthy() {
    return true;
  }

  /**
   * Runs {@code gap} (on the bus's context) whenever events may have been missed: a distributed
   * backend lost its connection and has it back. A listener cannot tell what it missed, so the
   * caller has the clients rejoin with {@code lastSeq}, which replays it. Set once, before use.
   */
  default void onGap(Runnable gap) {}

  /** Releases the bus's connections; pending subscribes fail. Call once, at shutdown. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A live subscription. */
  interface Subscription {
    /** Stops delivery: events published after the future completes do not reach the listener. */
    Future<Void> cancel();
  }
}
