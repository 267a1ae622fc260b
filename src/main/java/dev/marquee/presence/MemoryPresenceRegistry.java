package dev.marquee.presence;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Presence in maps guarded per session. Pick it for one instance. */
final class MemoryPresenceRegistry implements PresenceRegistry {
  private final Clock clock;
  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

  MemoryPresenceRegistry(Clock clock) {
    this.clock = clock;
  }

  private static final class Entry {
    String name;
    Role role;
    final Instant joinedAt;
    Instant lastActiveAt;
    boolean idle;
    Via via;
    int connections;

    Entry(String name, Role role, Instant at, Via via) {
      this.name = name;
      this.role = role;
      this.joinedAt = at;
      this.lastActiveAt = at;
      this.via = via;
    }

    Member snapshot(String clientId) {
      return new Member(clientId, name, role, joinedAt, lastActiveAt, idle, via);
    }
  }

  private static final class Room {
    final Map<String, Entry> members = new LinkedHashMap<>();

    Counts counts() {
      int controller = 0;
      int display = 0;
      int idle = 0;
      for (Entry e : members.values()) {
        if (e.role == Role.CONTROLLER) {
          controller++;
        } else {
          display++;
        }
        if (e.idle) {
          idle++;
        }
      }
      return new Counts(controller, display, idle);
    }
  }

  @Override
  public Future<Change> join(String session, String clientId, String name, Role role, Via via) {
    Instant now = clock.instant();
    while (true) {
      Room room = rooms.computeIfAbsent(session, k -> new Room());
      synchronized (room) {
        if (rooms.get(session) != room) {
          continue; // emptied and removed by a concurrent leave; use the current one
        }
        Entry entry = room.members.get(clientId);
        boolean fresh = entry == null;
        boolean wasIdle = !fresh && entry.idle;
        if (fresh) {
          entry = new Entry(name, role, now, via);
          room.members.put(clientId, entry);
        } else {
          entry.name = name;
          entry.role = role;
          entry.lastActiveAt = now;
          entry.idle = false;
          if (via == Via.WS) {
            entry.via = Via.WS;
          }
        }
        if (via == Via.WS) {
          entry.connections++; // an HTTP member holds no connection: one leave removes it
        }
        Change.Kind kind =
            fresh ? Change.Kind.JOIN : wasIdle ? Change.Kind.ACTIVE : Change.Kind.NONE;
        return Future.succeededFuture(
            new Change(session, kind, entry.snapshot(clientId), room.counts(), null));
      }
    }
  }

  @Override
  public Future<Change> leave(String session, String clientId, String reason) {
    Room room = rooms.get(session);
    if (room == null) {
      return Future.succeededFuture(none(session));
    }
    synchronized (room) {
      Entry entry = room.members.get(clientId);
      if (entry == null) {
        return Future.succeededFuture(none(session));
      }
      entry.connections = Math.max(0, entry.connections - 1);
      if (entry.connections > 0) {
        return Future.succeededFuture(
            new Change(session, Change.Kind.NONE, entry.snapshot(clientId), room.counts(), null));
      }
      room.members.remove(clientId);
      Counts counts = room.counts();
      if (room.members.isEmpty()) {
        rooms.remove(session, room);
      }
      return Future.succeededFuture(
          new Change(session, Change.Kind.LEAVE, entry.snapshot(clientId), counts, reason));
    }
  }

  @Override
  public Future<Change> remove(String session, String clientId, String reason) {
    Room room = rooms.get(session);
    if (room == null) {
      return Future.succeededFuture(none(session));
    }
    synchronized (room) {
      Entry entry = room.members.remove(clientId);
      if (entry == null) {
        return Future.succeededFuture(none(session));
      }
      Counts counts = room.counts();
      if (room.members.isEmpty()) {
        rooms.remove(session, room);
      }
      return Future.succeededFuture(
          new Change(session, Change.Kind.LEAVE, entry.snapshot(clientId), counts, reason));
    }
  }

  @Override
  public Future<Change> touch(String session, String clientId) {
    Room room = rooms.get(session);
    if (room == null) {
      return Future.succeededFuture(none(session));
    }
    synchronized (room) {
      Entry entry = room.members.get(clientId);
      if (entry == null) {
        return Future.succeededFuture(none(session));
      }
      entry.lastActiveAt = clock.instant();
      if (!entry.idle) {
        return Future.succeededFuture(none(session));
      }
      entry.idle = false;
      return Future.succeededFuture(
          new Change(session, Change.Kind.ACTIVE, entry.snapshot(clientId), room.counts(), null));
    }
  }

  @Override
  public Future<Counts> counts(String session) {
    Room room = rooms.get(session);
    if (room == null) {
      return Future.succeededFuture(Counts.EMPTY);
    }
    synchronized (room) {
      return Future.succeededFuture(room.counts());
    }
  }

  @Override
  public Future<List<Member>> members(String session) {
    Room room = rooms.get(session);
    if (room == null) {
      return Future.succeededFuture(List.of());
    }
    List<Member> out = new ArrayList<>();
    synchronized (room) {
      room.members.forEach((id, e) -> out.add(e.snapshot(id)));
    }
    out.sort(Comparator.comparing(Member::joinedAt));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<Change>> sweep(Duration idleAfter, Duration idleTimeout) {
    Instant now = clock.instant();
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, Room> r : rooms.entrySet()) {
      String session = r.getKey();
      Room room = r.getValue();
      synchronized (room) {
        var it = room.members.entrySet().iterator();
        List<Map.Entry<String, Entry>> removed = new ArrayList<>();
        List<Map.Entry<String, Entry>> idled = new ArrayList<>();
        while (it.hasNext()) {
          Map.Entry<String, Entry> m = it.next();
          Duration silent = Duration.between(m.getValue().lastActiveAt, now);
          if (silent.compareTo(idleTimeout) >= 0) {
            it.remove();
            removed.add(m);
          } else if (!m.getValue().idle && silent.compareTo(idleAfter) >= 0) {
            m.getValue().idle = true;
            idled.add(m);
          }
        }
        Counts counts = room.counts();
        for (Map.Entry<String, Entry> m : idled) {
          changes.add(
              new Change(
                  session, Change.Kind.IDLE, m.getValue().snapshot(m.getKey()), counts, null));
        }
        for (Map.Entry<String, Entry> m : removed) {
          changes.add(
              new Change(
                  session, Change.Kind.LEAVE, m.getValue().snapshot(m.getKey()), counts, "idle"));
        }
        if (room.members.isEmpty()) {
          rooms.remove(session, room);
        }
      }
    }
    return Future.succeededFuture(changes);
  }

  @Override
  public Future<Void> drop(String session) {
    rooms.remove(session);
    return Future.succeededFuture();
  }

  private static Change none(String session) {
    return new Change(session, Change.Kind.NONE, null, Counts.EMPTY, null);
  }
}
