package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTest {
  @Test
  void loopbackTargetsAreAccepted() {
    List<Target> t =
        Target.parse(
            List.of("http://127.0.0.1:3001", "http://localhost:3002", "http://[::1]:3003"), false);
    assertThat(t).extracting(Target::port).containsExactly(3001, 3002, 3003);
    assertThat(t.get(2).host()).isEqualTo("::1");
  }

  @Test
  void nonLoopbackTargetsAreRefusedUnlessAllowed() {
    assertThatThrownBy(
            () -> Target.parse(List.of("http://10.1.2.3:3001", "http://192.168.0.1:1"), false))
        .isInstanceOf(UsageException.class)
        .satisfies(
            e ->
                assertThat(((UsageException) e).problems())
                    .hasSize(2)
                    .allMatch(p -> p.contains("not a loopback address")));
    assertThat(Target.parse(List.of("http://10.1.2.3:3001"), true)).hasSize(1);
  }

  @Test
  void aTargetIsABaseUrl() {
    assertThatThrownBy(() -> Target.parse(List.of("ws://127.0.0.1:3001"), false))
        .hasMessageContaining("must be http://host:port");
    assertThatThrownBy(() -> Target.parse(List.of("http://127.0.0.1:3001/api"), false))
        .hasMessageContaining("without a path");
  }
}
