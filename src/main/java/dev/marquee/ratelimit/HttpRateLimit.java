package dev.marquee.ratelimit;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.api.ApiException;
import dev.marquee.config.Config;
import dev.marquee.config.Http;
import dev.marquee.metrics.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Limits HTTP API requests per client IP ({@code RATE_LIMIT_HTTP_PER_IP} per window); over it, 429
 * with {@code Retry-After}. Fails closed: if the limiter cannot answer, the request gets 503.
 */
public final class HttpRateLimit implements Handler<RoutingContext> {
  private final RateLimiter limiter;
  private final Config.Limit limit;
  private final Http http;
  private final Metrics metrics;
  private final AnalyticsLog analytics;

  public HttpRateLimit(
      RateLimiter limiter, Config.Limit limit, Http http, Metrics metrics, AnalyticsLog analytics) {
    this.limiter = limiter;
    this.limit = limit;
    this.http = http;
    this.metrics = metrics;
    this.analytics = analytics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String ip = clientKey(ctx, http);
    limiter
        .acquire(List.of(new RateLimitRule(RateLimitKind.HTTP, ip, limit.max(), limit.window())))
        .onSuccess(
            decision -> {
              if (decision.allowed()) {
                ctx.next();
              } else {
                metrics.refused(RateLimitKind.HTTP.wire());
                analytics.record(
                    AnalyticsLog.RATE_LIMITED,
                    null,
                    new JsonObject().put("kind", RateLimitKind.HTTP.wire()));
                ctx.fail(
                    new ApiException(
                        429,
                        "rate_limited",
                        "too many requests from your network; wait a moment",
                        decision.retryAfterSeconds()));
              }
            })
        .onFailure(
            e -> ctx.fail(new ApiException(503, "unavailable", "rate limiting is unavailable", 1)));
  }

  /** The limiting key of the request's client (trusted proxies honoured, IPv6 by /64). */
  public static String clientKey(RoutingContext ctx, Http http) {
    var remote = ctx.request().remoteAddress();
    String peer = remote == null ? null : remote.hostAddress();
    return ClientIp.key(
        ClientIp.resolve(peer, ctx.request().getHeader("X-Forwarded-For"), http.trustedProxies()));
  }
}
