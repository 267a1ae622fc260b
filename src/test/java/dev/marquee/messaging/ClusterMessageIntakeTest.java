package dev.marquee.messaging;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.history.StoredMessageJson;
import dev.marquee.messaging.MessageIntake.Admission;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.store.RedisKeys;
import dev.marquee.testing.ChildCluster;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The intake on a three-node Redis Cluster: limits rule by rule, then the session's script, which
 * writes the session's own outbox stream; observed with raw commands as on one server.
 */
class ClusterMessageIntakeTest extends RedisMessageIntakeTest {

  @Override
  String url() {
    return ChildCluster.shared().url();
  }

  @Test
  void acceptedMessagesWaitInTheSessionsOwnStreamWhichTheIndexNames() throws Exception {
    RedisKeys keys = store.keys();
    for (String code : List.of("AAAAAA", "BBBBBB", "CCCCCC")) {
      fixture.createSession(code);
      for (int i = 0; i < 2; i++) {
        await(fixture.intake().accept(send(code, "c-" + code, "10.0.0." + code.charAt(0), "x")));
      }
      assertThat(streamSeqs(keys.outbox(code))).containsExactly(1L, 2L);
      Response groups = await(store.send(Command.XINFO, "GROUPS", keys.outbox(code)));
      assertThat(groups.size()).as("the archivers' group, made with the stream").isEqualTo(1);
    }
    Response index = await(store.send(Command.ZRANGE, keys.outboxSessions(), 0, -1));
    List<String> codes = new ArrayList<>();
    index.forEach(c -> codes.add(c.toString()));
    assertThat(codes).containsExactlyInAnyOrder("AAAAAA", "BBBBBB", "CCCCCC");
  }

  @Test
  void aRefusedMessageLeavesNothingInTheStream() throws Exception {
    fixture.createSession("AAAAAA");
    for (int i = 0; i < 3; i++) {
      await(fixture.intake().accept(send("AAAAAA", "c", "10.0.0.1", "x")));
    }
    Admission refused = await(fixture.intake().accept(send("AAAAAA", "c", "10.0.0.1", "x")));

    assertThat(((Admission.Refused) refused).limitedBy()).isEqualTo(RateLimitKind.CONTROLLER);
    assertThat(streamSeqs(store.keys().outbox("AAAAAA"))).containsExactly(1L, 2L, 3L);
  }

  private List<Long> streamSeqs(String stream) {
    List<Long> seqs = new ArrayList<>();
    await(store.send(Command.XRANGE, stream, "-", "+"))
        .forEach(entry -> seqs.add(StoredMessageJson.decode(entry.get(1).get(1).toString()).seq()));
    return seqs;
  }
}
