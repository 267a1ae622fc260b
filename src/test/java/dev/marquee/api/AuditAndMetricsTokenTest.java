package dev.marquee.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Privileged actions leave an audit trail on {@code marquee.audit} (allowed and refused, never a
 * token), and {@code METRICS_TOKEN} puts {@code /metrics} behind a bearer token.
 */
class AuditAndMetricsTokenTest {
  private static final String ADMIN = "admin-token-for-the-audit-test";
  private static final String METRICS = "metrics-token-for-the-audit-test";

  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  private Logger logger;

  @BeforeEach
  void listen() {
    logger = (Logger) LoggerFactory.getLogger("marquee.audit");
    // Tests log quietly; the audit trail is at info.
    logger.setLevel(Level.INFO);
    audit.start();
    logger.addAppender(audit);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(audit);
    logger.setLevel(null);
  }

  @Test
  void adminRequestsAndOwnerActionsAreAuditedAllowedOrRefused() {
    try (TestServer server = TestServer.start(Map.of("ADMIN_TOKEN", ADMIN))) {
      assertThat(server.get("/api/admin/ratelimit", "not-the-admin-token").statusCode())
          .isEqualTo(403);
      assertThat(server.get("/api/admin/ratelimit").statusCode()).isEqualTo(401);
      assertThat(server.get("/api/admin/ratelimit", ADMIN).statusCode()).isEqualTo(200);

      JsonObject session = server.createSession();
      String code = session.getString("code");
      String owner = session.getString("ownerToken");
      assertThat(server.delete("/api/session/" + code + "/history", "someone-else").statusCode())
          .isEqualTo(403);
      assertThat(server.delete("/api/session/" + code + "/history", ADMIN).statusCode())
          .isEqualTo(200);
      String lock = "/api/session/" + code + "/lock";
      String kick = "/api/session/" + code + "/kick";
      assertThat(server.post(lock, "{\"locked\":true}", owner).statusCode()).isEqualTo(200);
      assertThat(server.post(lock, "{\"locked\":false}", ADMIN).statusCode()).isEqualTo(200);
      assertThat(server.post(kick, "{\"clientId\":\"c-1\"}", "someone-else").statusCode())
          .isEqualTo(403);
      assertThat(server.post(kick, "{\"clientId\":\"c-1\"}", owner).statusCode()).isEqualTo(200);
      assertThat(server.delete("/api/session/" + code, owner).statusCode()).isEqualTo(200);

      List<String> lines =
          audit.list.stream()
              .map(e -> e.getMessage() + " " + e.getArgumentArray().length + " " + args(e))
              .collect(Collectors.toList());
      assertThat(lines)
          .containsExactly(
              "audit refused 4 action=ratelimit_stats session=null status=403 ip=127.0.0.x",
              "audit refused 4 action=ratelimit_stats session=null status=401 ip=127.0.0.x",
              "audit 3 action=ratelimit_stats actor=admin ip=127.0.0.x",
              "audit refused 4 action=history_clear session=" + code + " status=403 ip=null",
              "audit 3 action=history_clear session=" + code + " actor=admin",
              "audit 3 action=session_lock session=" + code + " actor=owner",
              "audit 3 action=session_unlock session=" + code + " actor=admin",
              "audit refused 4 action=member_kick session=" + code + " status=403 ip=null",
              "audit 3 action=member_kick session=" + code + " actor=owner",
              "audit 3 action=session_end session=" + code + " actor=owner");
      assertThat(String.join("\n", lines))
          .doesNotContain(ADMIN)
          .doesNotContain(owner)
          .doesNotContain("someone-else");
    }
  }

  @Test
  void metricsTokenGuardsMetrics() {
    try (TestServer server = TestServer.start(Map.of("METRICS_TOKEN", METRICS))) {
      var none = server.get("/metrics");
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code"))
          .isEqualTo("unauthorized");
      assertThat(server.get("/metrics", "wrong-token-of-some-length").statusCode()).isEqualTo(403);
      var scraped = server.get("/metrics", METRICS);
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.body()).contains("marquee_sessions_active");
      // Probes never need it.
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    }
  }

  private static String args(ILoggingEvent e) {
    StringBuilder out = new StringBuilder();
    for (Object arg : e.getArgumentArray()) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(arg);
    }
    return out.toString();
  }
}
