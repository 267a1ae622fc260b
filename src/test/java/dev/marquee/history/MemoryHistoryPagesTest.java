package dev.marquee.history;

import java.util.Map;

class MemoryHistoryPagesTest extends HistoryPagesContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of();
  }
}
