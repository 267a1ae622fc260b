package dev.marquee.history;

class MemoryRecentHistoryTest extends RecentHistoryContract {
  @Override
  protected RecentHistory create() {
    return RecentHistory.memory();
  }
}
