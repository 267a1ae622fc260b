package dev.marquee.profile;

import dev.marquee.api.Responses;
import dev.marquee.api.Tokens;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/me}: the signed-in user's profile as Marquee keeps it (docs/auth.md). */
public final class ProfileRoutes {
  private final Profiles profiles;

  public ProfileRoutes(Profiles profiles) {
    this.profiles = profiles;
  }

  public void mount(Router router) {
    router.get("/api/me").handler(this::getMe);
  }

  private void getMe(RoutingContext ctx) {
    profiles
        .require(Tokens.bearer(ctx.request().getHeader("Authorization")))
        .onSuccess(
            me ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("id", me.id().toString())
                        .put("displayName", me.displayName())))
        .onFailure(ctx::fail);
  }
}
