package dev.marquee.ratelimit;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.api.AdminAuth;
import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.logging.Redact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operators' view of rate limiting: who is being refused, and unblocking one key. */
public final class RateLimitRoutes {
  private static final Logger log = LoggerFactory.getLogger(RateLimitRoutes.class);
  static final int TOP = 20;

  private final RateLimiter limiter;
  private final Optional<String> adminToken;

  public RateLimitRoutes(RateLimiter limiter, Optional<String> adminToken) {
    this.limiter = limiter;
    this.adminToken = adminToken;
  }

  public void mount(Router router) {
    router.get("/api/admin/ratelimit").handler(this::showStats);
    router.post("/api/admin/ratelimit/reset").handler(this::resetKey);
  }

  private void showStats(RoutingContext ctx) {
    AdminAuth.require(ctx, adminToken, "ratelimit_stats");
    limiter
        .stats(TOP)
        .onSuccess(
            stats -> {
              JsonObject byKind = new JsonObject();
              for (RateLimitKind kind : RateLimitKind.values()) {
                byKind.put(kind.wire(), stats.refusalsByKind().getOrDefault(kind, 0L));
              }
              JsonArray top = new JsonArray();
              stats
                  .mostLimited()
                  .forEach(
                      k ->
                          top.add(
                              new JsonObject()
                                  .put("kind", k.kind().wire())
                                  .put("key", k.key())
                                  .put("refusals", k.refusals())));
              Responses.json(
                  ctx, 200, new JsonObject().put("refusals", byKind).put("mostLimited", top));
            })
        .onFailure(ctx::fail);
  }

  private void resetKey(RoutingContext ctx) {
    AdminAuth.require(ctx, adminToken, "ratelimit_reset");
    JsonObject body = Responses.body(ctx);
    Object rawKind = body.getValue("kind");
    RateLimitKind kind =
        (rawKind instanceof String s ? RateLimitKind.fromWire(s) : Optional.<RateLimitKind>empty())
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "kind must be controller, ip, connection, join or http"));
    Object rawKey = body.getValue("key");
    if (!(rawKey instanceof String key) || key.isBlank() || key.length() > 128) {
      throw ApiException.badRequest("key must be a non-empty string");
    }
    String limited = kind == RateLimitKind.CONTROLLER ? key : ClientIp.key(key);
    limiter
        .reset(kind, limited)
        .onSuccess(
            v -> {
              log.info(
                  "admin action",
                  kv("action", "ratelimit_reset"),
                  kv("kind", kind.wire()),
                  kv("key", kind == RateLimitKind.CONTROLLER ? limited : Redact.ip(limited)));
              Responses.json(
                  ctx,
                  200,
                  new JsonObject().put("reset", true).put("kind", kind.wire()).put("key", limited));
            })
        .onFailure(ctx::fail);
  }
}
