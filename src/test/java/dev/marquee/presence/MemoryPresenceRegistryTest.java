package dev.marquee.presence;

import java.time.Clock;

class MemoryPresenceRegistryTest extends PresenceRegistryContract {
  @Override
  protected PresenceRegistry create(Clock clock) {
    return PresenceRegistry.memory(clock);
  }
}
