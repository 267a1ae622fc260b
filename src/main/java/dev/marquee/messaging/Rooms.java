package dev.marquee.messaging;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local rooms and open connections of one event loop. Confined to that loop's thread, so it
 * needs no locks; one exists per HTTP server instance.
 */
final class Rooms {
  private final Context context;
  private final Realtime rt;
  private final Map<String, LocalRoom> rooms = new HashMap<>();
  private final Set<Connection> connections = new LinkedHashSet<>();

  Rooms(Context context, Realtime rt) {
    this.context = context;
    this.rt = rt;
  }

  LocalRoom join(String session, Connection member) {
    LocalRoom room = rooms.computeIfAbsent(session, s -> new LocalRoom(s, context, rt));
    room.add(member);
    return room;
  }

  void leave(LocalRoom room, Connection member) {
    if (room.remove(member)) {
      rooms.remove(room.session(), room);
    }
  }

  void opened(Connection c) {
    connections.add(c);
  }

  void closed(Connection c) {
    connections.remove(c);
  }

  List<Connection> connections() {
    return new ArrayList<>(connections);
  }
}
