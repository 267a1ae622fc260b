package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.api.ApiException;
import dev.marquee.config.Config;
import dev.marquee.config.Http;
import dev.marquee.ratelimit.ClientIp;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.ratelimit.RateLimitRule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: the Origin check and the per-IP connection limit happen before the upgrade
 * (refused with 403 or 429, no socket); then a {@link Connection} takes over. One instance per
 * event loop, owning that loop's sockets.
 */
public final class WebSocketRoutes {
  private static final Logger log = LoggerFactory.getLogger(WebSocketRoutes.class);

  /** PROTOCOL.md: a message over 16 KiB closes the socket with 1009. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024;

  /** How often each loop looks for sockets that stopped reading ({@link Connection#checkStall}). */
  static final long STALL_CHECK_MS = 1_000;

  /**
   * Local event-bus address: a publish here makes every loop tell its sockets to rejoin ({@link
   * Connection#resync()}), after Redis lost the engine state and it was rebuilt.
   */
  public static final String RESYNC_ADDRESS = "marquee.sockets.resync";

  private final Realtime rt;
  private Rooms rooms;

  public WebSocketRoutes(Realtime rt) {
    this.rt = rt;
  }

  public void mount(Router router) {
    rooms = new Rooms(Vertx.currentContext(), rt);
    rt.vertx().eventBus().localConsumer(RESYNC_ADDRESS, m -> resync());
    rt.vertx().setPeriodic(STALL_CHECK_MS, id -> checkStalls());
    router.get("/ws").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!originAllowed(rt.config().http(), request)) {
      throw new ApiException(
          403, "forbidden_origin", "this origin may not open a socket here (ALLOWED_ORIGINS)");
    }
    var remote = request.remoteAddress();
    String host =
        ClientIp.resolve(
            remote == null ? null : remote.hostAddress(),
            request.getHeader("X-Forwarded-For"),
            rt.config().http().trustedProxies());
    String ipKey = ClientIp.key(host);
    Config.Limit limit = rt.config().rateLimits().connections();
    request.pause();
    rt.limiter()
        .acquire(
            List.of(
                new RateLimitRule(RateLimitKind.CONNECTION, ipKey, limit.max(), limit.window())))
        .onSuccess(
            decision -> {
              if (!decision.allowed()) {
                rt.metrics().refused(RateLimitKind.CONNECTION.wire());
                rt.analytics()
                    .record(
                        AnalyticsLog.RATE_LIMITED,
                        null,
                        new JsonObject().put("kind", RateLimitKind.CONNECTION.wire()));
                ctx.fail(
                    new ApiException(
                        429,
                        "rate_limited",
                        "too many new connections from your network; wait a moment",
                        decision.retryAfterSeconds()));
                return;
              }
              request
                  .toWebSocket()
                  // A failed handshake has already answered the client with an HTTP error.
                  .onSuccess(ws -> new Connection(ws, rt, rooms, ipKey, host).start());
            })
        .onFailure(ctx::fail);
  }

  /**
   * With {@code ALLOWED_ORIGINS} set, only listed origins (or any, for {@code *}); unset, the
   * server's own origin and clients that send none (native apps, OBS, test tools).
   */
  static boolean originAllowed(Http http, HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (http.allowedOrigins().isPresent()) {
      if (http.anyOrigin()) {
        return true;
      }
      return origin != null
          && http.allowedOrigins().get().contains(stripSlash(origin).toLowerCase(Locale.ROOT));
    }
    if (origin == null) {
      return true;
    }
    String hostHeader = request.getHeader("Host");
    if (hostHeader == null) {
      return false;
    }
    try {
      URI uri = new URI(origin);
      return uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(hostHeader);
    } catch (Exception e) {
      return false;
    }
  }

  private static String stripSlash(String origin) {
    return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
  }

  private void checkStalls() {
    long now = System.nanoTime() / 1_000_000;
    for (Connection c : rooms.connections()) {
      c.checkStall(now);
    }
  }

  private void resync() {
    List<Connection> open = rooms.connections();
    if (!open.isEmpty()) {
      log.warn("sockets told to resync", kv("sockets", open.size()));
      open.forEach(Connection::resync);
    }
  }

  /**
   * Tells every socket of this loop to reconnect elsewhere and closes it (4000); completes when
   * they have closed or after {@code graceMs}.
   */
  public Future<Void> shutdown(long graceMs) {
    List<Connection> open = rooms == null ? List.of() : rooms.connections();
    if (open.isEmpty()) {
      return Future.succeededFuture();
    }
    open.forEach(Connection::shutdown);
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + graceMs;
    rt.vertx()
        .setPeriodic(
            20,
            id -> {
              if (rooms.connections().isEmpty() || System.currentTimeMillis() >= deadline) {
                rt.vertx().cancelTimer(id);
                done.tryComplete();
              }
            });
    return done.future();
  }
}
