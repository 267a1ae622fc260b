package dev.marquee.bus;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls listeners directly on the publisher's thread. Pick it for one instance. */
final class MemoryRoomBus implements RoomBus {
  private static final Logger log = LoggerFactory.getLogger(MemoryRoomBus.class);
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Consumer<RoomEvent>>> rooms =
      new ConcurrentHashMap<>();

  @Override
  public Future<Subscription> subscribe(String session, Consumer<RoomEvent> listener) {
    rooms.compute(
        session,
        (k, list) -> {
          CopyOnWriteArrayList<Consumer<RoomEvent>> out =
              list == null ? new CopyOnWriteArrayList<>() : list;
          out.add(listener);
          return out;
        });
    Subscription subscription =
        () -> {
          rooms.computeIfPresent(
              session,
              (k, list) -> {
                list.remove(listener);
                return list.isEmpty() ? null : list;
              });
          return Future.succeededFuture();
        };
    return Future.succeededFuture(subscription);
  }

  @Override
  public Future<Void> publish(RoomEvent event) {
    CopyOnWriteArrayList<Consumer<RoomEvent>> listeners = rooms.get(event.session());
    if (listeners != null) {
      for (Consumer<RoomEvent> listener : listeners) {
        // A listener's failure is its own: the other subscribers and the publisher (whose message
        // is already sequenced and stored) must not pay for it.
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          log.warn(
              "room listener failed",
              kv("session", event.session()),
              kv("reason", String.valueOf(e)));
        }
      }
    }
    return Future.succeededFuture();
  }
}
