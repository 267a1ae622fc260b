package dev.marquee.session;

import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.api.Text;
import dev.marquee.api.Times;
import dev.marquee.api.Tokens;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.profile.Profile;
import dev.marquee.profile.Profiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The session endpoints of PROTOCOL.md (create, look up, end), the owner's lock and kick
 * (docs/protocol.md) and a signed-in user's list of the sessions they created (docs/auth.md).
 */
public final class SessionRoutes {
  static final int MAX_TITLE = 100;
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  /** Deepest page of a user's sessions: OFFSET costs what it skips. */
  static final int MAX_PAGE = 1_000;

  private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");

  private final SessionService sessions;
  private final SessionModeration moderation;
  private final OwnedSessions owned;
  private final PresenceRegistry presence;
  private final Profiles profiles;

  public SessionRoutes(
      SessionService sessions,
      SessionModeration moderation,
      OwnedSessions owned,
      PresenceRegistry presence,
      Profiles profiles) {
    this.sessions = sessions;
    this.moderation = moderation;
    this.owned = owned;
    this.presence = presence;
    this.profiles = profiles;
  }

  public void mount(Router router) {
    router.post("/api/session").handler(this::createSession);
    router.get("/api/session/:code").handler(this::getSession);
    router.delete("/api/session/:code").handler(this::endSession);
    router.post("/api/session/:code/lock").handler(this::lockSession);
    router.post("/api/session/:code/kick").handler(this::kickMember);
    router.get("/api/me/sessions").handler(this::listMySessions);
  }

  private void createSession(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    Object rawTitle = body.getValue("title");
    if (rawTitle != null && !(rawTitle instanceof String)) {
      throw ApiException.badRequest("title must be a string");
    }
    String title = rawTitle == null ? "" : ((String) rawTitle).strip();
    if (!Text.storable(title)) {
      throw ApiException.badRequest(
          "title must not contain U+0000 or an unpaired surrogate (not valid Unicode)");
    }
    if (title.codePointCount(0, title.length()) > MAX_TITLE) {
      throw ApiException.badRequest("title must be at most " + MAX_TITLE + " characters");
    }
    profiles
        .signedIn(bearer(ctx))
        .compose(
            owner ->
                sessions
                    .create(title, owner)
                    .map(
                        created -> {
                          SessionState s = created.session();
                          JsonObject view =
                              new JsonObject()
                                  .put("code", s.code())
                                  .put("title", s.title())
                                  .put("createdAt", Times.iso(s.createdAt()))
                                  .put("expiresAt", Times.iso(s.expiresAt()))
                                  .put("ownerToken", created.ownerToken())
                                  .put("epoch", s.epoch());
                          owner.ifPresent(p -> view.put("ownerProfileId", p.id().toString()));
                          return view;
                        }))
        .onSuccess(
            view -> {
              ctx.response().putHeader("Location", "/api/session/" + view.getString("code"));
              Responses.json(ctx, 201, view);
            })
        .onFailure(ctx::fail);
  }

  private void listMySessions(RoutingContext ctx) {
    int page = number(ctx, "page", 1, MAX_PAGE, 1);
    int limit = number(ctx, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    profiles
        .require(bearer(ctx))
        .compose((Profile me) -> owned.page(me.id(), page, limit))
        .onSuccess(
            found -> {
              JsonArray list = new JsonArray();
              for (OwnedSessions.Owned o : found.sessions()) {
                SessionState s = o.session();
                list.add(
                    new JsonObject()
                        .put("code", s.code())
                        .put("title", s.title())
                        .put("createdAt", Times.iso(s.createdAt()))
                        .put("expiresAt", Times.iso(s.expiresAt()))
                        .put("endedAt", Times.iso(s.endedAt()))
                        .put("endReason", s.endReason() == null ? null : s.endReason().wire())
                        .put("live", o.live()));
              }
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("sessions", list)
                      .put("page", page)
                      .put("limit", limit)
                      .put("hasMore", found.hasMore()));
            })
        .onFailure(ctx::fail);
  }

  private static Optional<String> bearer(RoutingContext ctx) {
    return Tokens.bearer(ctx.request().getHeader("Authorization"));
  }

  private static int number(RoutingContext ctx, String name, int min, int max, int fallback) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    if (!WHOLE_NUMBER.matcher(raw).matches()
        || Integer.parseInt(raw) < min
        || Integer.parseInt(raw) > max) {
      throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max);
    }
    return Integer.parseInt(raw);
  }

  private void getSession(RoutingContext ctx) {
    String code = code(ctx);
    sessions
        .find(code)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("no session " + code));
              }
              SessionState s = found.get();
              if (s.ended()) {
                return Future.succeededFuture(view(s, PresenceRegistry.Counts.EMPTY, false));
              }
              Future<PresenceRegistry.Counts> counts = presence.counts(code);
              Future<Boolean> locked = sessions.locked(code);
              return Future.all(counts, locked)
                  .map(both -> view(s, counts.result(), locked.result()));
            })
        .onSuccess(view -> Responses.json(ctx, 200, view))
        .onFailure(ctx::fail);
  }

  private void endSession(RoutingContext ctx) {
    String code = code(ctx);
    sessions
        .endAuthorized(code, bearer(ctx))
        .onSuccess(s -> Responses.json(ctx, 200, view(s, PresenceRegistry.Counts.EMPTY, false)))
        .onFailure(ctx::fail);
  }

  private void lockSession(RoutingContext ctx) {
    String code = code(ctx);
    Object locked = Responses.body(ctx).getValue("locked");
    if (!(locked instanceof Boolean)) {
      throw ApiException.badRequest("locked must be true or false");
    }
    moderation
        .lockAuthorized(code, bearer(ctx), (Boolean) locked)
        .onSuccess(
            s ->
                Responses.json(
                    ctx, 200, new JsonObject().put("code", s.code()).put("locked", locked)))
        .onFailure(ctx::fail);
  }

  private void kickMember(RoutingContext ctx) {
    String code = code(ctx);
    Object clientId = Responses.body(ctx).getValue("clientId");
    if (!ClientId.valid(clientId)) {
      throw ApiException.badRequest("clientId must be " + ClientId.RULE);
    }
    moderation
        .kickAuthorized(code, bearer(ctx), (String) clientId)
        .onSuccess(
            kick ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("code", code)
                        .put("clientId", kick.clientId())
                        .put("kicked", true)
                        .put("wasPresent", kick.wasPresent())
                        .put("bannedUntil", Times.iso(kick.until()))))
        .onFailure(ctx::fail);
  }

  static JsonObject view(SessionState s, PresenceRegistry.Counts counts, boolean locked) {
    return new JsonObject()
        .put("code", s.code())
        .put("title", s.title())
        .put("createdAt", Times.iso(s.createdAt()))
        .put("expiresAt", Times.iso(s.expiresAt()))
        .put("lastActivityAt", Times.iso(s.lastActivityAt()))
        .put("endedAt", Times.iso(s.endedAt()))
        .put("endReason", s.endReason() == null ? null : s.endReason().wire())
        .put("lastSeq", s.lastSeq())
        .put("epoch", s.epoch())
        .put("locked", locked)
        .put(
            "presence",
            new JsonObject()
                .put("controller", counts.controller())
                .put("display", counts.display()));
  }

  private static String code(RoutingContext ctx) {
    return SessionCode.parse(ctx.pathParam("code"))
        .orElseThrow(
            () -> ApiException.notFound("'" + ctx.pathParam("code") + "' is not a session code"));
  }
}
