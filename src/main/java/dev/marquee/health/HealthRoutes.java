package dev.marquee.health;

import dev.marquee.api.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /health/live} and {@code /health/ready}, shaped for Kubernetes probes. */
public final class HealthRoutes {
  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public void mount(Router router) {
    router
        .get("/health/live")
        .handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router
        .get("/health/ready")
        .handler(
            ctx ->
                readiness
                    .check()
                    .onSuccess(
                        result ->
                            Responses.json(
                                ctx, "UP".equals(result.getString("status")) ? 200 : 503, result))
                    .onFailure(ctx::fail));
  }
}
