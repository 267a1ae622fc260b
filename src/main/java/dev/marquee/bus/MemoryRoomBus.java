package dev.marquee.bus;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Calls listeners directly on the publisher's thread. Pick it for one instance. */
final class MemoryRoomBus implements RoomBus {
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
        listener.accept(event);
      }
    }
    return Future.succeededFuture();
  }
}
