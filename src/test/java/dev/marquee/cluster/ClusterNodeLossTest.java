package dev.marquee.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.ChildCluster;
import dev.marquee.testing.ChildRedis;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One master of a Redis Cluster restarts without its data: the sessions it held are rebuilt from
 * PostgreSQL (new epochs), the others keep theirs, and every live session is back in the outbox
 * index. The cluster is the test's own, since it kills a node.
 */
class ClusterNodeLossTest {

  @Test
  void sessionsOfAMasterThatRestartedEmptyAreRebuiltAndOthersKeepTheirEpochs() {
    try (ChildCluster cluster = ChildCluster.start();
        TestServer server = TestServer.start(TestRedis.engineEnv(cluster.url()))) {
      String prefix = server.env().get("REDIS_KEY_PREFIX");
      // Not the node of the standalone marker key: a single marker there would not notice.
      ChildRedis victim =
          cluster.nodes().stream()
              .filter(n -> !":1".equals(n.command("EXISTS", prefix + ":engine:ready")))
              .findFirst()
              .orElseThrow();
      Map<String, String> epochs = new HashMap<>();
      List<String> lost = new ArrayList<>();
      while (lost.size() < 2 || epochs.size() - lost.size() < 2) {
        String code = server.createSession().getString("code");
        epochs.put(code, view(server, code).getString("epoch"));
        if (":1".equals(victim.command("EXISTS", prefix + ":session:{" + code + "}"))) {
          lost.add(code);
        }
      }

      victim.kill();
      victim.restart(); // no persistence: empty, but it keeps its slots (nodes.conf)
      cluster.awaitOk();
      Eventually.until(
          Duration.ofSeconds(15),
          () -> server.get("/health/ready").statusCode() == 200,
          "ready again");

      String index = prefix + ":outbox:sessions";
      for (String code : epochs.keySet()) {
        assertThat(cluster.nodes())
            .as("%s back in the outbox index, which may have been on the lost node", code)
            .anyMatch(n -> String.valueOf(n.command("ZSCORE", index, code)).matches("\\$[0-9]+"));
      }
      for (Map.Entry<String, String> session : epochs.entrySet()) {
        JsonObject now = view(server, session.getKey());
        assertThat(now.getString("endedAt")).as(session.getKey()).isNull();
        if (lost.contains(session.getKey())) {
          assertThat(now.getString("epoch")).as("rebuilt").isNotEqualTo(session.getValue());
        } else {
          assertThat(now.getString("epoch")).as("kept").isEqualTo(session.getValue());
        }
      }
    }
  }

  private static JsonObject view(TestServer server, String code) {
    return new JsonObject(server.get("/api/session/" + code).body());
  }
}
