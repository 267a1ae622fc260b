package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqCheckTest {
  @Test
  void anInOrderStreamIsClean() {
    SeqCheck c = new SeqCheck(0);
    for (long s = 1; s <= 100; s++) {
      c.record(s);
    }
    assertThat(c.received()).isEqualTo(100);
    assertThat(c.missingUpTo(100)).isZero();
    assertThat(c.hasAllUpTo(100)).isTrue();
    assertThat(c.duplicates() + c.outOfOrder() + c.stale()).isZero();
  }

  @Test
  void aRepeatedSeqIsADuplicateNotASecondDelivery() {
    SeqCheck c = new SeqCheck(0);
    c.record(1);
    c.record(2);
    c.record(2);
    assertThat(c.duplicates()).isEqualTo(1);
    assertThat(c.received()).isEqualTo(2);
  }

  @Test
  void aGapIsMissingUntilFilledAndTheLateSeqIsOutOfOrder() {
    SeqCheck c = new SeqCheck(0);
    c.record(1);
    c.record(3);
    assertThat(c.missingUpTo(3)).isEqualTo(1);
    assertThat(c.hasAllUpTo(3)).isFalse();
    c.record(2);
    assertThat(c.outOfOrder()).isEqualTo(1);
    assertThat(c.missingUpTo(3)).isZero();
  }

  @Test
  void countsOnlySeqsAfterTheJoinAndFlagsOlderOnes() {
    SeqCheck c = new SeqCheck(41);
    c.record(41);
    c.record(42);
    assertThat(c.stale()).isEqualTo(1);
    assertThat(c.missingUpTo(44)).isEqualTo(2);
    assertThat(c.missingUpTo(41)).isZero();
  }
}
