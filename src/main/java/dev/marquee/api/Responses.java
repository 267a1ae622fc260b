package dev.marquee.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers, the one shape every endpoint uses. */
public final class Responses {
  private Responses() {}

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  /** The request body as a JSON object; an empty body is an empty object. */
  public static JsonObject body(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      Object value = body.asJsonObject();
      return value == null ? new JsonObject() : (JsonObject) value;
    } catch (RuntimeException e) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
  }
}
