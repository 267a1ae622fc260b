package dev.marquee.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes-style probes and the Prometheus endpoint. */
class HealthAndMetricsTest {

  @Test
  void liveAndReadyAnswerUpWithEveryCheckNamed() {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> live = server.get("/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");

      HttpResponse<String> ready = server.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject body = new JsonObject(ready.body());
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
          .containsExactlyInAnyOrder("lifecycle", "database", "engine", "memory");
    }
  }

  @Test
  void heapOverItsShareMakesTheServerUnreadyAndTheApiAnswer503() {
    try (TestServer server = TestServer.start(Map.of("READY_HEAP_MAX_RATIO", "0.000001"))) {
      HttpResponse<String> ready = server.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject memory =
          new JsonObject(ready.body())
              .getJsonArray("checks").stream()
                  .map(JsonObject.class::cast)
                  .filter(c -> c.getString("id").equals("memory"))
                  .findFirst()
                  .orElseThrow();
      assertThat(memory.getString("status")).isEqualTo("DOWN");
      assertThat(memory.getJsonObject("data").getDouble("heapUsedRatio")).isPositive();

      HttpResponse<String> api = server.post("/api/session", "");
      assertThat(api.statusCode()).isEqualTo(503);
      assertThat(api.headers().firstValue("Retry-After")).isPresent();
      assertThat(new JsonObject(api.body()).getJsonObject("error").getString("code"))
          .isEqualTo("not_ready");
      assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metricsCoverTheProcessTheHttpServerAndTheRealtimePath() {
    try (TestServer server = TestServer.start()) {
      String code = server.createSession().getString("code");
      try (WsClient display = server.ws();
          WsClient controller = server.ws()) {
        display.join(code, "display", "TV");
        controller.join(code, "controller", "Alice");
        controller.send(new JsonObject().put("type", "send").put("text", "one").put("ref", "1"));
        controller.send(new JsonObject().put("type", "send").put("text", "two").put("ref", "2"));
        controller.next("ack");
        controller.next("ack");
        display.next("message");
        display.next("message");

        HttpResponse<String> r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        String text = r.body();
        for (String name :
            List.of(
                "jvm_memory_used_bytes",
                "process_memory_rss_bytes",
                "process_cpu_usage",
                "process_uptime_seconds",
                "vertx_http_server_requests_total",
                "marquee_sessions_active",
                "marquee_db_write_queue_depth",
                "marquee_db_write_errors_total",
                "marquee_delivery_latency_seconds_bucket")) {
          assertThat(text).as(name).contains(name);
        }
        assertThat(text)
            .contains("marquee_sockets_open{role=\"display\"} 1.0")
            .contains("marquee_sockets_open{role=\"controller\"} 1.0")
            .contains("marquee_messages_in_total 2.0")
            .contains("marquee_messages_delivered_total 4.0")
            .contains("marquee_delivery_latency_seconds_count 2");
      }
    }
  }
}
