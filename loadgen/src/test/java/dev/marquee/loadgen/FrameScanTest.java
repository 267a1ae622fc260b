package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameScanTest {
  @Test
  void readsSeqAndSendTimeFromAMessageFrameAsTheServerWritesIt() {
    Buffer b =
        Buffer.buffer(
            "{\"type\":\"message\",\"session\":\"K7QX2M\",\"seq\":42,\"ts\":1764161234567,"
                + "\"from\":{\"clientId\":\"c\",\"name\":\"say \\\"seq\\\":9\",\"role\":\"controller\"},"
                + "\"text\":\"123456789 xxxx\"}");
    assertThat(FrameScan.isMessage(b)).isTrue();
    assertThat(FrameScan.isAck(b)).isFalse();
    assertThat(FrameScan.seq(b)).isEqualTo(42);
    assertThat(FrameScan.sentNanos(b)).isEqualTo(123456789L);
  }

  @Test
  void aTextWithoutLeadingDigitsHasNoSendTime() {
    Buffer b = Buffer.buffer("{\"type\":\"message\",\"seq\":7,\"text\":\"load hello world #3\"}");
    assertThat(FrameScan.sentNanos(b)).isEqualTo(-1);
    assertThat(FrameScan.seq(b)).isEqualTo(7);
  }

  @Test
  void recognisesAcks() {
    Buffer b = Buffer.buffer("{\"type\":\"ack\",\"seq\":12}");
    assertThat(FrameScan.isAck(b)).isTrue();
    assertThat(FrameScan.isMessage(b)).isFalse();
    assertThat(FrameScan.seq(b)).isEqualTo(12);
  }
}
