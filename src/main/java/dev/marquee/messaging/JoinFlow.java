package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.history.RecentHistory;
import dev.marquee.history.StoredMessage;
import dev.marquee.presence.PresenceEvents;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.presence.Role;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.ratelimit.RateLimitRule;
import dev.marquee.session.SessionState;
import dev.marquee.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code join}: checks the code (counting failures per IP against guessing), enters the local
 * room, asks the session's gate (kicked clients and, while locked, new controllers are refused),
 * enters presence, then answers {@code joined} followed by the replay after {@code lastSeq}.
 *
 * <p>No gap, no duplicate: the room subscription is active before {@code lastSeq} is read, so a
 * message is either at or below it (in the replay, or in history) or arrives live after it; the
 * connection drops anything at or below what it already wrote.
 */
final class JoinFlow {
  private static final Logger log = LoggerFactory.getLogger(JoinFlow.class);

  private JoinFlow() {}

  static void run(Connection c, ClientFrame.Join join) {
    Realtime rt = c.rt();
    var limit = rt.config().rateLimits().failedJoins();
    RateLimitRule failedJoins =
        new RateLimitRule(RateLimitKind.JOIN, c.ipKey(), limit.max(), limit.window());
    rt.limiter()
        .check(failedJoins)
        .compose(
            decision -> {
              if (!decision.allowed()) {
                rt.metrics().refused(RateLimitKind.JOIN.wire());
                rt.analytics()
                    .record(
                        AnalyticsLog.RATE_LIMITED,
                        null,
                        new JsonObject().put("kind", RateLimitKind.JOIN.wire()));
                c.error(
                    "rate_limited",
                    "too many failed joins from your network; wait before trying again",
                    null,
                    decision.retryAfterMs());
                c.joinRefused();
                return Future.succeededFuture();
              }
              return rt.sessions()
                  .find(join.session())
                  .compose(found -> route(c, join, found.orElse(null), failedJoins));
            })
        .onFailure(
            e -> {
              log.warn("join failed", kv("session", join.session()), kv("reason", e.getMessage()));
              c.error("unavailable", "the server cannot take joins right now", null, 1_000);
              c.close(CloseCodes.TRY_AGAIN_LATER, "unavailable");
            });
  }

  private static Future<Void> route(
      Connection c, ClientFrame.Join join, SessionState found, RateLimitRule failedJoins) {
    if (!c.isOpen()) {
      return Future.succeededFuture();
    }
    if (found == null) {
      c.rt().limiter().acquire(List.of(failedJoins));
      c.error("session_not_found", "no session " + join.session(), null, 0);
      c.close(CloseCodes.SESSION_NOT_FOUND, "session not found");
      return Future.succeededFuture();
    }
    if (found.ended()) {
      c.error("session_ended", "the session has ended", null, 0);
      c.close(CloseCodes.SESSION_ENDED, "session ended");
      return Future.succeededFuture();
    }
    return enter(c, join, found);
  }

  /**
   * Subscribes first and asks the gate second: a kick is recorded before it is published, so a kick
   * this join's admission did not see reaches its subscription, and the socket is closed.
   */
  private static Future<Void> enter(Connection c, ClientFrame.Join join, SessionState found) {
    Realtime rt = c.rt();
    String clientId = join.clientId() != null ? join.clientId() : UUID.randomUUID().toString();
    c.beginJoin(join.session(), clientId, join.name(), join.role());
    return c.room()
        .ready()
        .compose(sub -> rt.sessions().admit(found, clientId, join.role() == Role.CONTROLLER))
        .compose(
            admission -> {
              if (!c.isOpen()) {
                return Future.succeededFuture();
              }
              if (admission == SessionStore.Admission.KICKED) {
                c.error("kicked", LocalRoom.KICKED_MESSAGE, null, 0);
                c.close(CloseCodes.KICKED, "kicked");
                return Future.succeededFuture();
              }
              if (admission == SessionStore.Admission.LOCKED) {
                c.abandonJoin();
                c.error(
                    "session_locked",
                    "the session is locked: no new controllers may join",
                    null,
                    0);
                return Future.succeededFuture();
              }
              return admitted(c, join, clientId);
            });
  }

  private static Future<Void> admitted(Connection c, ClientFrame.Join join, String clientId) {
    Realtime rt = c.rt();
    String code = join.session();
    return rt.presence()
        .join(code, clientId, join.name(), join.role(), PresenceRegistry.Via.WS)
        .compose(
            change -> {
              if (!c.isOpen()) {
                // Closed while joining: undo, or the member would stay as a ghost.
                return rt.presence()
                    .leave(code, clientId, "closed")
                    .onSuccess(left -> PresenceEvents.announce(rt.bus(), left))
                    .mapEmpty();
              }
              c.joinedPresence();
              return rt.sessions()
                  .findLive(code)
                  .compose(
                      live -> {
                        if (live.isEmpty()) {
                          c.error("session_ended", "the session has ended", null, 0);
                          c.close(CloseCodes.SESSION_ENDED, "session ended");
                          return Future.succeededFuture();
                        }
                        return answer(c, join, clientId, live.get(), change);
                      });
            });
  }

  private static Future<Void> answer(
      Connection c,
      ClientFrame.Join join,
      String clientId,
      SessionState session,
      PresenceRegistry.Change change) {
    Realtime rt = c.rt();
    long lastSeq = session.lastSeq();
    boolean wantsReplay =
        join.lastSeq() >= 0 && (join.epoch() == null || join.epoch().equals(session.epoch()));
    Future<RecentHistory.Replay> replay =
        wantsReplay
            ? rt.history().since(session.code(), join.lastSeq(), lastSeq)
            : Future.succeededFuture(new RecentHistory.Replay(false, List.of()));
    Future<Boolean> locked = rt.sessions().locked(session.code());
    return Future.all(replay, locked)
        .map(
            both -> {
              RecentHistory.Replay r = replay.result();
              if (!c.isOpen()) {
                return null;
              }
              List<String> frames = new ArrayList<>(r.messages().size());
              for (StoredMessage m : r.messages()) {
                frames.add(Frames.message(m));
              }
              c.finishJoin(
                  Frames.joined(
                      session,
                      join.role().wire(),
                      clientId,
                      lastSeq,
                      change.counts(),
                      r.complete(),
                      locked.result()),
                  frames,
                  lastSeq);
              PresenceEvents.announce(rt.bus(), change);
              // A second socket of a member already present (another tab, a reconnect racing the
              // old socket) is no arrival: its joins and leaves stay paired for the report's peak.
              PresenceEvents.record(rt.analytics(), change);
              if (join.lastSeq() >= 0) {
                rt.analytics()
                    .record(
                        AnalyticsLog.REJOINED,
                        session.code(),
                        new JsonObject().put("recovered", r.complete()));
              }
              rt.sessions()
                  .pendingWarning(session)
                  .ifPresent(w -> c.write(Frames.warning(w.endsAt(), w.endsInMs())));
              log.debug(
                  "member joined",
                  kv("session", session.code()),
                  kv("role", join.role().wire()),
                  kv("recovered", r.complete()),
                  kv("replayed", frames.size()));
              return null;
            });
  }
}
