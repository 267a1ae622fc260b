package dev.marquee.session;

import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.api.Times;
import dev.marquee.api.Tokens;
import dev.marquee.presence.PresenceRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The session endpoints of PROTOCOL.md: create, look up, end. */
public final class SessionRoutes {
  static final int MAX_TITLE = 100;

  private final SessionService sessions;
  private final PresenceRegistry presence;

  public SessionRoutes(SessionService sessions, PresenceRegistry presence) {
    this.sessions = sessions;
    this.presence = presence;
  }

  public void mount(Router router) {
    router.post("/api/session").handler(this::createSession);
    router.get("/api/session/:code").handler(this::getSession);
    router.delete("/api/session/:code").handler(this::endSession);
  }

  private void createSession(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    Object rawTitle = body.getValue("title");
    if (rawTitle != null && !(rawTitle instanceof String)) {
      throw ApiException.badRequest("title must be a string");
    }
    String title = rawTitle == null ? "" : ((String) rawTitle).strip();
    if (title.codePointCount(0, title.length()) > MAX_TITLE) {
      throw ApiException.badRequest("title must be at most " + MAX_TITLE + " characters");
    }
    sessions
        .create(title)
        .onSuccess(
            created -> {
              SessionState s = created.session();
              ctx.response().putHeader("Location", "/api/session/" + s.code());
              Responses.json(
                  ctx,
                  201,
                  new JsonObject()
                      .put("code", s.code())
                      .put("title", s.title())
                      .put("createdAt", Times.iso(s.createdAt()))
                      .put("expiresAt", Times.iso(s.expiresAt()))
                      .put("ownerToken", created.ownerToken())
                      .put("epoch", s.epoch()));
            })
        .onFailure(ctx::fail);
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
              Future<PresenceRegistry.Counts> counts =
                  s.ended()
                      ? Future.succeededFuture(PresenceRegistry.Counts.EMPTY)
                      : presence.counts(code);
              return counts.map(c -> view(s, c));
            })
        .onSuccess(view -> Responses.json(ctx, 200, view))
        .onFailure(ctx::fail);
  }

  private void endSession(RoutingContext ctx) {
    String code = code(ctx);
    sessions
        .endAuthorized(code, Tokens.bearer(ctx.request().getHeader("Authorization")))
        .onSuccess(s -> Responses.json(ctx, 200, view(s, PresenceRegistry.Counts.EMPTY)))
        .onFailure(ctx::fail);
  }

  static JsonObject view(SessionState s, PresenceRegistry.Counts counts) {
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
