package dev.marquee.messaging;

import dev.marquee.bus.RoomEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Room events that reach a socket while it joins: held until {@code joined} and the replay are
 * written, then delivered in the order they arrived (the socket skips messages the replay had).
 */
final class JoinHold {
  private final List<RoomEvent> events = new ArrayList<>();

  void add(RoomEvent event) {
    events.add(event);
  }

  void deliverTo(Connection c) {
    for (RoomEvent event : events) {
      if (event instanceof RoomEvent.Message m) {
        c.deliverMessage(m, Frames.encoded(Frames.message(m.message())), null);
      } else {
        c.deliverEvent(event, Frames.encoded(LocalRoom.encode(event)), null);
      }
    }
    events.clear();
  }
}
