package dev.marquee.web;

import dev.marquee.api.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The web app built from {@code web/} into the jar's {@code webroot}: {@code index.html} for every
 * route the app owns (so links and reloads work), the hashed assets cached for a year, and the
 * Content-Security-Policy the app is written to satisfy (no inline script or style, sockets only to
 * this host). Without a built app ({@code mvn -DskipWeb}) the app's routes answer 404 {@code
 * web_app_not_built}; the API is unaffected.
 */
public final class WebRoutes {
  /** The app's own routes; PROTOCOL.md and printed QR codes link to them, so they never move. */
  public static final List<String> APP_ROUTES =
      List.of("/", "/display", "/display/:code", "/c/:code");

  static final String IMMUTABLE = "public, immutable, max-age=31536000";
  private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?");

  private final String root;
  private final Buffer index;

  /** Serves the app from the classpath folder {@code root} ({@code webroot} in the jar). */
  public WebRoutes(String root) {
    this.root = root;
    this.index = readIndex(root);
  }

  public static WebRoutes fromJar() {
    return new WebRoutes("webroot");
  }

  /** Whether the jar holds a built app. */
  public boolean built() {
    return index != null;
  }

  public void mount(Router router) {
    for (String path : APP_ROUTES) {
      router.get(path).handler(this::serveIndex);
    }
    router
        .get("/assets/*")
        .handler(
            ctx -> {
              appHeaders(ctx).response().putHeader("Cache-Control", IMMUTABLE);
              ctx.next();
            })
        // A wildcard route hands the handler only the part after /assets/.
        .handler(
            StaticHandler.create(root + "/assets")
                .setCachingEnabled(true)
                .setMaxAgeSeconds(31_536_000)
                .setDirectoryListing(false)
                .setSendVaryHeader(false));
    router
        .get("/favicon.svg")
        .handler(
            ctx -> {
              appHeaders(ctx).response().putHeader("Cache-Control", "public, max-age=86400");
              ctx.next();
            })
        .handler(StaticHandler.create(root).setCachingEnabled(true).setMaxAgeSeconds(86_400));
  }

  private void serveIndex(RoutingContext ctx) {
    if (index == null) {
      ctx.fail(
          new ApiException(
              404, "web_app_not_built", "this server was built without the web app (-DskipWeb)"));
      return;
    }
    appHeaders(ctx)
        .response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        // Always revalidate: a new deployment must reach browsers at once, with its new assets.
        .putHeader("Cache-Control", "no-cache")
        .end(index);
  }

  /**
   * The policy for the app's documents. {@code connect-src} names this host's ws: and wss: beside
   * 'self' because some browsers still do not let 'self' cover WebSockets. Framing is refused
   * everywhere: an OBS browser source loads the display as a page of its own, not in a frame.
   */
  static String contentSecurityPolicy(String host) {
    String sockets =
        host != null && SAFE_HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'"
        + sockets
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  private static RoutingContext appHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader(
            "Content-Security-Policy", contentSecurityPolicy(host(ctx.request().authority())))
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    return ctx;
  }

  private static String host(HostAndPort authority) {
    if (authority == null) {
      return null;
    }
    return authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
  }

  private static Buffer readIndex(String root) {
    try (InputStream in =
        WebRoutes.class.getClassLoader().getResourceAsStream(root + "/index.html")) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
