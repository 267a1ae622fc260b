package dev.marquee.session;

import java.util.Map;

/** Session ownership on the memory engine. */
class MemorySessionOwnershipTest extends SessionOwnershipContract {
  @Override
  Map<String, String> engineEnv() {
    return Map.of();
  }
}
