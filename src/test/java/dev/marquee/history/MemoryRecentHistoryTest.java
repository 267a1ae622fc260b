package dev.marquee.history;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryRecentHistoryTest extends RecentHistoryContract {
  @Override
  protected RecentHistory create() {
    return RecentHistory.memory();
  }

  /** PostgreSQL holds every message the memory engine acknowledged: nothing is kept for reads. */
  @Test
  void retiringForgetsTheWindow() {
    append("AAAAAA", 1, 3);

    await(history.retire("AAAAAA"));

    assertThat(await(history.window("AAAAAA"))).isEmpty();
  }
}
