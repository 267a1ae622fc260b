package dev.marquee.presence;

import dev.marquee.presence.PresenceRegistry.Change;
import dev.marquee.presence.PresenceRegistry.Counts;
import dev.marquee.presence.PresenceRegistry.Member;
import dev.marquee.presence.PresenceRegistry.Via;
import dev.marquee.store.RedisCipher;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads what {@code lua/presence.lua} stores and answers (member JSON, counts, changes). */
final class PresenceReplies {
  private PresenceReplies() {}

  /** A member's stored JSON: {@code name, role, joinedAt, lastActiveAt, idle, via}. */
  static Member member(String clientId, String json, RedisCipher cipher) {
    JsonObject m = new JsonObject(json);
    return new Member(
        clientId,
        cipher.open(m.getString("name")),
        Role.fromWire(m.getString("role")).orElseThrow(),
        Instant.ofEpochMilli(m.getLong("joinedAt")),
        Instant.ofEpochMilli(m.getLong("lastActiveAt")),
        m.getBoolean("idle", false),
        "http".equals(m.getString("via")) ? Via.HTTP : Via.WS);
  }

  static Counts counts(Response r) {
    return r == null || r.size() < 3
        ? Counts.EMPTY
        : new Counts(r.get(0).toInteger(), r.get(1).toInteger(), r.get(2).toInteger());
  }

  static Counts counts(List<Member> members) {
    int controller = 0;
    int display = 0;
    int idle = 0;
    for (Member m : members) {
      if (m.role() == Role.CONTROLLER) {
        controller++;
      } else {
        display++;
      }
      if (m.idle()) {
        idle++;
      }
    }
    return new Counts(controller, display, idle);
  }

  /** The answer to join, leave or touch: {@code {kind, member JSON, counts}} or {@code {none}}. */
  static Change change(
      String session, String clientId, Response r, String reason, RedisCipher cipher) {
    if (r.size() < 3) {
      // An absent member, or a touch that changed nothing: no member, as in memory.
      return none(session);
    }
    Change.Kind kind = kind(r.get(0).toString());
    return new Change(
        session,
        kind,
        member(clientId, r.get(1).toString(), cipher),
        counts(r.get(2)),
        kind == Change.Kind.LEAVE ? reason : null);
  }

  /** The changes a sweep or reap made: after counts and instance ids, four entries each. */
  static List<Change> changes(String session, Response r, RedisCipher cipher) {
    List<Change> out = new ArrayList<>();
    Counts counts = counts(r.get(0));
    for (int i = 2; i + 3 < r.size(); i += 4) {
      String reason = r.get(i + 3).toString();
      out.add(
          new Change(
              session,
              kind(r.get(i).toString()),
              member(r.get(i + 1).toString(), r.get(i + 2).toString(), cipher),
              counts,
              reason.isEmpty() ? null : reason));
    }
    return out;
  }

  /** Ids of the instances holding sockets in the session, as a sweep reports them. */
  static List<String> holders(Response r) {
    List<String> ids = new ArrayList<>();
    r.get(1).forEach(id -> ids.add(id.toString()));
    return ids;
  }

  static Change none(String session) {
    return new Change(session, Change.Kind.NONE, null, Counts.EMPTY, null);
  }

  private static Change.Kind kind(String wire) {
    return Change.Kind.valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
