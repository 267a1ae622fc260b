package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerProbeTest {
  @Test
  void readsCpuAndRssOfAProcessFromProc() {
    long self = ProcessHandle.current().pid();
    ServerProbe p = new ServerProbe(List.of(self));
    double before = p.cpuSeconds();
    // Burn CPU until a tick shows; bounded so a broken reading fails instead of hanging.
    long give = System.nanoTime() + 30_000_000_000L;
    long x = 0;
    // At least one round: the reading may have moved already (other threads of this JVM), and the
    // sum below must come from work done here.
    do {
      for (int i = 0; i < 1_000_000; i++) {
        x += i % 7;
      }
    } while (p.cpuSeconds() <= before && System.nanoTime() < give);
    assertThat(x).isPositive();
    assertThat(p.cpuSeconds()).isGreaterThan(before);
    assertThat(p.kernelSeconds()).isBetween(0.0, p.cpuSeconds());
    assertThat(p.rssKib()).isGreaterThan(10_000);
  }

  @Test
  void withoutPidsNothingIsMeasured() {
    ServerProbe p = new ServerProbe(List.of());
    assertThat(p.enabled()).isFalse();
    assertThat(p.cpuSeconds()).isNaN();
    assertThat(p.kernelSeconds()).isNaN();
    assertThat(p.window().json("cpuUsPerDelivery", 10).getBoolean("measured")).isFalse();
  }
}
