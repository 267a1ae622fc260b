package dev.marquee.bus;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Fan-out of {@link RoomEvent}s to every instance that has members of the session.
 *
 * <p>Ordering: events published for one session by one publisher arrive at every listener in
 * publish order; messages additionally arrive in seq order because the intake publishes them in seq
 * order. Listeners are called on the publisher's thread (memory) or the bus's connection thread
 * (distributed backends) and must hand work to their own context without blocking.
 */
public interface RoomBus {

  /** Fan-out within this process. */
  static RoomBus memory() {
    return new MemoryRoomBus();
  }

  /**
   * Starts delivering the session's events to {@code listener}; active once the future completes.
   */
  Future<Subscription> subscribe(String session, Consumer<RoomEvent> listener);

  /**
   * Delivers the event to every current subscriber of its session. A listener that throws does not
   * keep the event from the others, nor fail the publication.
   */
  Future<Void> publish(RoomEvent event);

  /** A live subscription. */
  interface Subscription {
    Future<Void> cancel();
  }
}
