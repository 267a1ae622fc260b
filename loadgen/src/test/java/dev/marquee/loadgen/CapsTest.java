package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Plans over the caps are refused before anything is connected (the URL has no server). */
class CapsTest {
  private static final String NOWHERE = "http://127.0.0.1:9";

  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void moreSocketsThanTheCapAreRefused() {
    Outcome o = run("fanout", "--url", NOWHERE, "--sessions", "2000", "--displays", "10");
    assertThat(o.code()).isEqualTo(Main.USAGE);
    assertThat(o.err()).contains("22000 sockets at once, over the cap of 20000");
  }

  @Test
  void aSendRateOverTheCapIsRefused() {
    Outcome o = run("fanout", "--url", NOWHERE, "--sessions", "100", "--rate", "1000");
    assertThat(o.code()).isEqualTo(Main.USAGE);
    assertThat(o.err()).contains("over --max-send-rate 50000");
  }

  @Test
  void aRunLongerThanMaxSecondsIsRefused() {
    Outcome o = run("fanout", "--url", NOWHERE, "--seconds", "120");
    assertThat(o.code()).isEqualTo(Main.USAGE);
    assertThat(o.err()).contains("over --max-seconds 60");
  }

  @Test
  void aRemoteTargetIsRefused() {
    Outcome o = run("churn", "--url", "http://203.0.113.7:3001");
    assertThat(o.code()).isEqualTo(Main.USAGE);
    assertThat(o.err()).contains("not a loopback address").contains("--allow-remote");
  }

  @Test
  void helpExitsZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--max-seconds");
  }
}
