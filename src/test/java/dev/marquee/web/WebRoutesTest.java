package dev.marquee.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web app as the server hands it out: every app route answers the same index.html, assets are
 * cached for good, and the security headers are there. Runs against the built app when the build
 * made one (target/classes/webroot comes first on the class path), else the stand-in in the test
 * resources; both are served by the same code.
 */
class WebRoutesTest {
  static final Pattern SCRIPT_SRC = Pattern.compile("<script[^>]*\\bsrc=\"(/assets/[^\"]+\\.js)\"");
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyAppRouteAnswersTheIndexUncached() {
    for (String path :
        new String[] {"/", "/display", "/display/K7QX2M", "/c/K7QX2M", "/c/k7q-x2m"}) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(r.body()).contains("<div id=\"root\">");
    }
  }

  @Test
  void pagesCarryTheContentSecurityPolicyAndTheUsualHeaders() {
    HttpResponse<String> r = server.get("/display");
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    String host = "127.0.0.1:" + server.port();
    assertThat(csp)
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("style-src 'self';")
        .contains("connect-src 'self' ws://" + host + " wss://" + host + ";")
        .contains("object-src 'none'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }

  @Test
  void theIndexHasNoInlineScript() {
    String body = server.get("/").body();
    Matcher tags = Pattern.compile("<script\\b[^>]*>").matcher(body);
    int scripts = 0;
    while (tags.find()) {
      scripts++;
      assertThat(tags.group()).contains(" src=\"/assets/");
    }
    assertThat(scripts).isPositive();
  }

  @Test
  void hashedAssetsAreCachedForAYear() {
    Matcher m = SCRIPT_SRC.matcher(server.get("/").body());
    assertThat(m.find()).isTrue();
    HttpResponse<String> r = server.get(m.group(1));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript").as("content type"));
    assertThat(r.headers().firstValue("Cache-Control")).hasValue(WebRoutes.IMMUTABLE);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void unknownPathsAreStillJsonNotFound() {
    for (String path : new String[] {"/assets/nope-123.js", "/nope", "/api/nope", "/display/a/b"}) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
          .isEqualTo("not_found");
    }
  }

  @Test
  void theApiKeepsAStrictPolicy() {
    HttpResponse<String> r = server.get("/health/live");
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'none'; frame-ancestors 'none'");
  }

  @Test
  void aHostHeaderThatIsNotAHostNameAddsNoSocketSource() {
    assertThat(WebRoutes.contentSecurityPolicy("evil.example; script-src *"))
        .contains("connect-src 'self';");
    assertThat(WebRoutes.contentSecurityPolicy(null)).contains("connect-src 'self';");
    assertThat(WebRoutes.contentSecurityPolicy("marquee.example.org"))
        .contains("connect-src 'self' ws://marquee.example.org wss://marquee.example.org;");
  }
}
