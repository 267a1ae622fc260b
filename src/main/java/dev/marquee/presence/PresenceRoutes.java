package dev.marquee.presence;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.api.Times;
import dev.marquee.api.Tokens;
import dev.marquee.bus.RoomBus;
import dev.marquee.session.ClientId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The six presence endpoints of PROTOCOL.md, including members that keep alive over HTTP only
 * (polling displays). Changes made here are announced to the room like those of sockets.
 */
public final class PresenceRoutes {
  private static final int MAX_NAME = 64;

  /** What the routes need to know about sessions, without depending on the session feature. */
  public interface Sessions {
    /** The normalised code of a live session; fails with 404 (unknown) or 409 (ended). */
    Future<String> requireLive(String rawCode);

    /**
     * Succeeds if {@code bearer} is the session's owner token or the admin token (else 401/403).
     */
    Future<Void> requireOwner(String code, Optional<String> bearer, String action);
  }

  private final PresenceRegistry presence;
  private final RoomBus bus;
  private final Sessions sessions;
  private final Duration idleAfter;
  private final Clock clock;
  private final AnalyticsLog analytics;

  public PresenceRoutes(
      PresenceRegistry presence,
      RoomBus bus,
      Sessions sessions,
      Duration idleAfter,
      Clock clock,
      AnalyticsLog analytics) {
    this.presence = presence;
    this.bus = bus;
    this.sessions = sessions;
    this.idleAfter = idleAfter;
    this.clock = clock;
    this.analytics = analytics;
  }

  public void mount(Router router) {
    router.get("/api/session/:code/presence").handler(this::countMembers);
    router.get("/api/session/:code/presence/users").handler(this::listMembers);
    router.post("/api/session/:code/presence/join").handler(this::joinOverHttp);
    router.post("/api/session/:code/presence/leave").handler(this::leaveOverHttp);
    router.post("/api/session/:code/presence/activity").handler(this::keepAlive);
    router.post("/api/session/:code/presence/cleanup").handler(this::removeIdle);
  }

  private void countMembers(RoutingContext ctx) {
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(presence::counts)
        .onSuccess(
            c ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("online", c.online())
                        .put("controller", c.controller())
                        .put("display", c.display())
                        .put("idle", c.idle())))
        .onFailure(ctx::fail);
  }

  private void listMembers(RoutingContext ctx) {
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(presence::members)
        .onSuccess(
            members -> {
              JsonArray users = new JsonArray();
              members.forEach(m -> users.add(json(m)));
              Responses.json(ctx, 200, new JsonObject().put("users", users));
            })
        .onFailure(ctx::fail);
  }

  private void joinOverHttp(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    String clientId = optionalClientId(body).orElseGet(() -> UUID.randomUUID().toString());
    String name = name(body);
    Role role = role(body);
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(code -> presence.join(code, clientId, name, role, PresenceRegistry.Via.HTTP))
        .onSuccess(
            change -> {
              PresenceEvents.announce(bus, change);
              PresenceEvents.record(analytics, change);
              Responses.json(ctx, 200, json(change.member()));
            })
        .onFailure(ctx::fail);
  }

  private void leaveOverHttp(RoutingContext ctx) {
    String clientId = requiredClientId(Responses.body(ctx));
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(code -> presence.leave(code, clientId, "left"))
        .onSuccess(
            change -> {
              PresenceEvents.announce(bus, change);
              PresenceEvents.record(analytics, change);
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("left", change.kind() == PresenceRegistry.Change.Kind.LEAVE)
                      .put("clientId", clientId));
            })
        .onFailure(ctx::fail);
  }

  private void keepAlive(RoutingContext ctx) {
    String clientId = requiredClientId(Responses.body(ctx));
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(
            code ->
                presence
                    .members(code)
                    .compose(
                        members -> {
                          if (members.stream().noneMatch(m -> m.clientId().equals(clientId))) {
                            return Future.failedFuture(
                                new ApiException(
                                    404,
                                    "not_present",
                                    "no member " + clientId + " here; join again"));
                          }
                          return presence.touch(code, clientId);
                        }))
        .onSuccess(
            change -> {
              PresenceEvents.announce(bus, change);
              Responses.json(ctx, 200, new JsonObject().put("clientId", clientId));
            })
        .onFailure(ctx::fail);
  }

  private void removeIdle(RoutingContext ctx) {
    Optional<String> bearer = Tokens.bearer(ctx.request().getHeader("Authorization"));
    sessions
        .requireLive(ctx.pathParam("code"))
        .compose(code -> sessions.requireOwner(code, bearer, "presence_remove_idle").map(code))
        .compose(this::removeIdleMembers)
        .onSuccess(
            removed -> {
              removed.forEach(
                  change -> {
                    PresenceEvents.announce(bus, change);
                    PresenceEvents.record(analytics, change);
                  });
              Responses.json(ctx, 200, new JsonObject().put("removed", removed.size()));
            })
        .onFailure(ctx::fail);
  }

  /** Removes the members that are idle now (marked, or silent for {@code idleAfter}). */
  private Future<List<PresenceRegistry.Change>> removeIdleMembers(String code) {
    Instant cutoff = clock.instant().minus(idleAfter);
    return presence
        .members(code)
        .compose(
            members -> {
              List<Future<PresenceRegistry.Change>> removals = new ArrayList<>();
              for (PresenceRegistry.Member m : members) {
                if (m.idle() || !m.lastActiveAt().isAfter(cutoff)) {
                  removals.add(presence.remove(code, m.clientId(), "idle"));
                }
              }
              return Future.all(removals)
                  .map(
                      all -> {
                        List<PresenceRegistry.Change> done = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                          PresenceRegistry.Change c = all.resultAt(i);
                          if (c.kind() == PresenceRegistry.Change.Kind.LEAVE) {
                            done.add(c);
                          }
                        }
                        return done;
                      });
            });
  }

  static JsonObject json(PresenceRegistry.Member m) {
    return new JsonObject()
        .put("clientId", m.clientId())
        .put("name", m.name())
        .put("role", m.role().wire())
        .put("joinedAt", Times.iso(m.joinedAt()))
        .put("lastActiveAt", Times.iso(m.lastActiveAt()))
        .put("idle", m.idle())
        .put("via", m.via().wire());
  }

  private static Optional<String> optionalClientId(JsonObject body) {
    Object raw = body.getValue("clientId");
    if (raw == null) {
      return Optional.empty();
    }
    if (!ClientId.valid(raw)) {
      throw ApiException.badRequest("clientId must be " + ClientId.RULE);
    }
    return Optional.of((String) raw);
  }

  private static String requiredClientId(JsonObject body) {
    return optionalClientId(body)
        .orElseThrow(() -> ApiException.badRequest("clientId is required"));
  }

  private static String name(JsonObject body) {
    Object raw = body.getValue("name");
    if (!(raw instanceof String s) || s.isBlank()) {
      throw ApiException.badRequest("name is required");
    }
    String name = s.strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      throw ApiException.badRequest("name must be at most " + MAX_NAME + " characters");
    }
    return name;
  }

  private static Role role(JsonObject body) {
    Object raw = body.getValue("role");
    return (raw instanceof String s ? Role.fromWire(s) : Optional.<Role>empty())
        .orElseThrow(() -> ApiException.badRequest("role must be \"display\" or \"controller\""));
  }
}
