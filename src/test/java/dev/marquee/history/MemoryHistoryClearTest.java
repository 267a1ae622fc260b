package dev.marquee.history;

import java.util.Map;

class MemoryHistoryClearTest extends HistoryClearContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of();
  }
}
