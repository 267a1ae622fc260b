package dev.marquee.messaging;

import java.util.Map;

class MemoryProtocolTest extends ProtocolContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of();
  }
}
