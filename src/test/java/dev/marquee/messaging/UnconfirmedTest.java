package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/**
 * Which failed sends are answered {@code unconfirmed} rather than refused: only a connection that
 * broke with the call in flight (RedisFaultIT shows the real one: a reset after Redis ran the
 * script) may have stored the message.
 */
class UnconfirmedTest {
  @Test
  void aConnectionLostWithTheCallInFlightMayHaveStoredIt() {
    assertThat(
            MessageIntake.unconfirmed(
                new IOException(
                    "recvAddress(..) failed with error(-104): Connection reset by peer")))
        .isTrue();
    assertThat(MessageIntake.unconfirmed(new IllegalStateException("x", new IOException("reset"))))
        .isTrue();
    assertThat(MessageIntake.unconfirmed(ErrorType.create("CONNECTION_CLOSED"))).isTrue();
  }

  @Test
  void aConnectionNeverMadeOrAnErrorFromRedisStoredNothing() {
    assertThat(MessageIntake.unconfirmed(new ConnectException("Connection refused"))).isFalse();
    assertThat(MessageIntake.unconfirmed(new IOException("wrapped", new ConnectException("no"))))
        .isFalse();
    assertThat(MessageIntake.unconfirmed(ErrorType.create("LOADING Redis is loading"))).isFalse();
    assertThat(MessageIntake.unconfirmed(new IllegalStateException("unexpected answer"))).isFalse();
  }
}
