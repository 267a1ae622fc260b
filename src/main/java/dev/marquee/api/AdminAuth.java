package dev.marquee.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The gate in front of operator endpoints: {@code Authorization: Bearer <ADMIN_TOKEN>}. */
public final class AdminAuth {
  private AdminAuth() {}

  /**
   * Throws 401 without a bearer token, 403 with a wrong one or when no admin token is set; either
   * way, and on success, the {@code action} goes to the audit log.
   */
  public static void require(RoutingContext ctx, Optional<String> adminToken, String action) {
    Optional<String> bearer = Tokens.bearer(ctx.request().getHeader("Authorization"));
    if (bearer.isEmpty()) {
      Audit.refused(action, null, 401, Audit.ip(ctx));
      throw new ApiException(401, "unauthorized", "send the admin token as Authorization: Bearer");
    }
    if (adminToken.isEmpty()) {
      Audit.refused(action, null, 403, Audit.ip(ctx));
      throw new ApiException(403, "forbidden", "the admin API is off: ADMIN_TOKEN is not set");
    }
    if (!Tokens.matches(bearer.get(), adminToken)) {
      Audit.refused(action, null, 403, Audit.ip(ctx));
      throw new ApiException(403, "forbidden", "that is not the admin token");
    }
    Audit.admin(ctx, action);
  }
}
