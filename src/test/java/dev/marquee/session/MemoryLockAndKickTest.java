package dev.marquee.session;

import java.util.Map;

class MemoryLockAndKickTest extends LockAndKickContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of();
  }
}
