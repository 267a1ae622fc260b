package dev.marquee.history;

import java.util.Map;

class MemoryHistorySearchTest extends HistorySearchContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of();
  }
}
