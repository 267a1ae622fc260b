package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void defaultsDependOnTheScenario() {
    assertThat(Options.parse(new String[] {"fanout"}).integer("sessions", 1, 100)).isEqualTo(10);
    assertThat(Options.parse(new String[] {"history"}).integer("sessions", 1, 100)).isEqualTo(4);
    assertThat(Options.parse(new String[] {"churn"}).integer("concurrency", 1, 9999)).isEqualTo(50);
  }

  @Test
  void valuesComeSpacedOrWithEqualsAndRepeatableOnesAccumulate() {
    Options o =
        Options.parse(
            new String[] {
              "fanout",
              "--rate=250",
              "--url",
              "http://127.0.0.1:1,http://127.0.0.1:2",
              "--url=http://127.0.0.1:3",
              "--json-only"
            });
    assertThat(o.integer("rate", 1, 1000)).isEqualTo(250);
    assertThat(o.list("url")).hasSize(3);
    assertThat(o.flag("json-only")).isTrue();
  }

  @Test
  void unknownAndInapplicableOptionsAreAllReportedAtOnce() {
    assertThatThrownBy(
            () ->
                Options.parse(
                    new String[] {"connections", "--rate", "5", "--bogus", "1", "--seconds"}))
        .isInstanceOf(UsageException.class)
        .satisfies(
            e ->
                assertThat(((UsageException) e).problems())
                    .containsExactly(
                        "--rate does not apply to connections",
                        "unknown option --bogus",
                        "--seconds needs a value (T)"));
  }

  @Test
  void theScenarioComesFirst() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--rate", "5"}))
        .hasMessageContaining("name a scenario first");
    assertThatThrownBy(() -> Options.parse(new String[] {"stampede"}))
        .hasMessageContaining("unknown scenario 'stampede'");
  }

  @Test
  void helpListsEveryOption() {
    String help = Options.help();
    for (Options.Spec s : Options.SPECS) {
      assertThat(help).contains("--" + s.name());
    }
  }
}
