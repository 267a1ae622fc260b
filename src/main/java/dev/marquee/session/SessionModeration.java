package dev.marquee.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.api.ApiException;
import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;
import dev.marquee.presence.PresenceEvents;
import dev.marquee.presence.PresenceRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the owner of a live session does to its members (docs/protocol.md): lock it against new
 * controllers, kick one out. Only the owner or an operator may, as {@link
 * SessionService#endAuthorized} decides; every member on every instance hears of it through the
 * room bus.
 */
public final class SessionModeration {
  private static final Logger log = LoggerFactory.getLogger(SessionModeration.class);

  /** A kick: until when the member is kept out, and whether it was present. */
  public record Kick(String clientId, Instant until, boolean wasPresent) {}

  private final SessionService sessions;
  private final SessionStore store;
  private final PresenceRegistry presence;
  private final RoomBus bus;
  private final AnalyticsLog analytics;

  public SessionModeration(
      SessionService sessions,
      SessionStore store,
      PresenceRegistry presence,
      RoomBus bus,
      AnalyticsLog analytics) {
    this.sessions = sessions;
    this.store = store;
    this.presence = presence;
    this.bus = bus;
    this.analytics = analytics;
  }

  /**
   * Locks or unlocks the session for its owner or an operator and tells every member. Fails as
   * {@link SessionService#endAuthorized} does, and with 409 {@code session_ended} for a session
   * that is not live.
   */
  public Future<SessionState> lockAuthorized(String code, Optional<String> bearer, boolean locked) {
    return sessions
        .requireOwner(code, bearer, locked ? "session_lock" : "session_unlock")
        .compose(v -> live(code))
        .compose(
            live ->
                store
                    .lock(live, locked)
                    .compose(
                        changed -> {
                          if (!changed) {
                            return Future.failedFuture(ended());
                          }
                          log.info(
                              locked ? "session locked" : "session unlocked", kv("session", code));
                          return bus.publish(new RoomEvent.Locked(code, locked)).map(live);
                        }));
  }

  /**
   * Kicks {@code clientId} for its owner or an operator: it cannot join again (in any role) for
   * {@code KICK_BAN_MS}, every socket of it on every instance is closed with 4502, and members see
   * it leave (reason {@code kicked}). A client that is not present is kept out all the same. Fails
   * as {@link #lockAuthorized}.
   */
  public Future<Kick> kickAuthorized(String code, Optional<String> bearer, String clientId) {
    return sessions
        .requireOwner(code, bearer, "member_kick")
        .compose(v -> live(code))
        .compose(
            live -> {
              Instant until = sessions.now().plus(sessions.config().kickBan());
              // The member leaves presence before its sockets hear of the kick: a socket that
              // heard first would leave by itself, and the kick could not tell it was present.
              return store
                  .kick(live, clientId, until)
                  .compose(v -> presence.remove(code, clientId, "kicked"))
                  .compose(
                      change -> {
                        PresenceEvents.announce(bus, change);
                        PresenceEvents.record(analytics, change);
                        return bus.publish(new RoomEvent.Kicked(code, clientId)).map(change);
                      })
                  .map(
                      change -> {
                        log.info("member kicked", kv("session", code));
                        return new Kick(
                            clientId, until, change.kind() == PresenceRegistry.Change.Kind.LEAVE);
                      });
            });
  }

  private Future<SessionState> live(String code) {
    return sessions
        .findLive(code)
        .compose(
            live ->
                live.isPresent()
                    ? Future.succeededFuture(live.get())
                    : Future.failedFuture(ended()));
  }

  private static ApiException ended() {
    return new ApiException(409, "session_ended", "the session has ended");
  }
}
