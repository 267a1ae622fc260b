package dev.marquee.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsRoutes;
import dev.marquee.api.ApiException;
import dev.marquee.config.Http;
import dev.marquee.health.HealthRoutes;
import dev.marquee.health.Readiness;
import dev.marquee.history.HistoryRoutes;
import dev.marquee.messaging.WebSocketRoutes;
import dev.marquee.metrics.MetricsRoutes;
import dev.marquee.presence.PresenceRoutes;
import dev.marquee.profile.ProfileRoutes;
import dev.marquee.ratelimit.HttpRateLimit;
import dev.marquee.ratelimit.RateLimitRoutes;
import dev.marquee.session.SessionRoutes;
import dev.marquee.web.WebRoutes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server instance on one event loop; Marquee deploys one per core and Vert.x spreads
 * connections across them. Owns the router: security headers, the readiness gate, JSON errors.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

  /** PROTOCOL.md: a message over 16 KiB closes the socket with 1009. */
  static final int MAX_MESSAGE_BYTES = WebSocketRoutes.MAX_MESSAGE_BYTES;

  /**
   * Netty drops a connection without a close frame when a single frame exceeds its limit, so that
   * limit is set above the protocol's: frames up to 256 KiB reach the message check and get a
   * proper 1009; larger ones are cut off unread.
   */
  static final int MAX_FRAME_BYTES = 256 * 1024;

  static final int MAX_BODY_BYTES = 64 * 1024;

  /** What every instance mounts; the WebSocket part is made per instance. */
  public record Routes(
      HttpRateLimit httpLimit,
      SessionRoutes sessions,
      PresenceRoutes presence,
      HistoryRoutes history,
      ProfileRoutes profiles,
      RateLimitRoutes rateLimits,
      AnalyticsRoutes analytics,
      HealthRoutes health,
      MetricsRoutes metrics,
      WebRoutes web,
      Supplier<WebSocketRoutes> webSocket) {}

  private final Http config;
  private final Readiness readiness;
  private final Routes routes;
  private HttpServer server;
  private WebSocketRoutes webSocket;

  public HttpVerticle(Http config, Readiness readiness, Routes routes) {
    this.config = config;
    this.readiness = readiness;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(HttpVerticle::securityHeaders);
    router.route("/api/*").handler(this::readinessGate);
    router.route("/ws").handler(this::readinessGate);
    // Every join starts here: the upgrade route comes before the API's, so it is matched at once.
    webSocket = routes.webSocket().get();
    webSocket.mount(router);
    // The body handler must run before anything asynchronous (the limiter may ask Redis).
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/api/*").handler(routes.httpLimit());
    routes.health().mount(router);
    routes.metrics().mount(router);
    routes.sessions().mount(router);
    routes.presence().mount(router);
    routes.history().mount(router);
    routes.profiles().mount(router);
    routes.rateLimits().mount(router);
    routes.analytics().mount(router);
    routes.web().mount(router);
    router.route().handler(ctx -> ctx.fail(new ApiException(404, "not_found", "no such endpoint")));
    router.route().failureHandler(HttpVerticle::failure);

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setMaxWebSocketFrameSize(MAX_FRAME_BYTES)
            .setMaxWebSocketMessageSize(MAX_MESSAGE_BYTES)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setCompressionSupported(false)
            .setRegisterWebSocketWriteHandlers(false)
            .setTcpNoDelay(true)
            .setStrictThreadMode(true);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /**
   * Tells this instance's sockets to reconnect elsewhere and closes them (4000), on its own event
   * loop; the listener stays open. Completes when they closed or after 2 s.
   */
  public Future<Void> closeSockets() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> webSocket.shutdown(2_000).onComplete(done));
    return done.future();
  }

  @Override
  public Future<?> stop() {
    return webSocket
        .shutdown(2_000)
        .compose(v -> server.close())
        .onComplete(ar -> log.debug("http server stopped", kv("port", server.actualPort())));
  }

  private void readinessGate(RoutingContext ctx) {
    if (readiness.ready()) {
      ctx.next();
    } else {
      ctx.fail(new ApiException(503, "not_ready", "the server is not ready; try again shortly", 1));
    }
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        // The web app's pages replace this with their own policy (dev.marquee.web.WebRoutes).
        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }

  /** Whether the failure, or a cause of it, says a connection could not be made or was lost. */
  static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof io.vertx.sqlclient.ClosedConnectionException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    long retryAfter = 0;
    if (failure instanceof ApiException e) {
      status = e.status();
      code = e.code();
      message = e.getMessage();
      retryAfter = e.retryAfterSeconds();
    } else if (unreachable(failure)) {
      // A backing service (PostgreSQL, say) is away: the client may retry, nothing is broken.
      status = 503;
      code = "unavailable";
      message = "a backing service is unreachable; try again shortly";
      retryAfter = 2;
      log.warn(
          "request failed: backing service unreachable",
          kv("route", ctx.currentRoute() == null ? null : ctx.currentRoute().getPath()),
          kv("reason", String.valueOf(failure.getMessage())));
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      code = status == 413 ? "too_large" : status == 405 ? "method_not_allowed" : "bad_request";
      message = status == 413 ? "the request body is too large" : "the request was not understood";
    } else {
      status = 500;
      code = "internal";
      message = "something went wrong on the server";
      log.error(
          "request failed",
          kv("method", ctx.request().method().name()),
          kv("route", ctx.currentRoute() == null ? null : ctx.currentRoute().getPath()),
          failure);
    }
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (retryAfter > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(
            new JsonObject()
                .put("error", new JsonObject().put("code", code).put("message", message))
                .encode());
  }
}
