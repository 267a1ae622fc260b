package dev.marquee.metrics;

import dev.marquee.api.ApiException;
import dev.marquee.api.Tokens;
import io.vertx.ext.web.Router;
import java.util.Optional;

/**
 * {@code /metrics} in the Prometheus text format; with {@code METRICS_TOKEN} set, only for {@code
 * Authorization: Bearer <METRICS_TOKEN>} (Prometheus: {@code authorization.credentials}).
 */
public final class MetricsRoutes {
  private final Metrics metrics;
  private final Optional<String> token;

  public MetricsRoutes(Metrics metrics, Optional<String> token) {
    this.metrics = metrics;
    this.token = token;
  }

  public void mount(Router router) {
    router
        .get("/metrics")
        .handler(
            ctx -> {
              if (token.isPresent()) {
                Optional<String> bearer = Tokens.bearer(ctx.request().getHeader("Authorization"));
                if (bearer.isEmpty()) {
                  throw new ApiException(
                      401, "unauthorized", "send the metrics token as Authorization: Bearer");
                }
                if (!Tokens.matches(bearer.get(), token)) {
                  throw new ApiException(403, "forbidden", "that is not the metrics token");
                }
              }
              ctx.vertx()
                  .executeBlocking(metrics::scrape, false)
                  .onSuccess(
                      text ->
                          ctx.response()
                              .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                              .end(text))
                  .onFailure(ctx::fail);
            });
  }
}
