package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket frame a fan-out writes as bytes is the one Netty's server encoder writes for the
 * same text, at every length encoding (7, 16 and 64 bits), and Netty's encoder lets those bytes
 * through untouched.
 */
class FramesTest {
  @Test
  void textFramesAreWhatNettysServerEncoderWrites() {
    for (int n : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
      String text = "é".repeat(n / 2) + "x".repeat(n % 2);
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      assertThat(Frames.textFrame(payload)).as("%d bytes", n).isEqualTo(netty(text));
      assertThat(Frames.encoded(text).wire()).isEqualTo(Frames.textFrame(payload));
    }
  }

  @Test
  void nettysEncoderPassesAnEncodedFrameThrough() {
    byte[] wire = Frames.encoded("{\"type\":\"ack\",\"seq\":1}").wire();
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(Unpooled.wrappedBuffer(wire));
    ByteBuf out = channel.readOutbound();
    assertThat(ByteBufUtil.getBytes(out)).isEqualTo(wire);
    out.release();
    Object more = channel.readOutbound();
    assertThat(more).isNull();
    channel.finishAndReleaseAll();
  }

  private static byte[] netty(String text) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(new TextWebSocketFrame(text));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
      bytes.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    channel.finishAndReleaseAll();
    return bytes.toByteArray();
  }
}
