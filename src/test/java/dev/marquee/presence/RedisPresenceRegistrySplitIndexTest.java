package dev.marquee.presence;

/**
 * Everything again with the presence index updated beside the script instead of inside it, as on a
 * cluster, where the index and a session's hashes live in different slots.
 */
class RedisPresenceRegistrySplitIndexTest extends RedisPresenceRegistryTest {
  @Override
  boolean indexInScripts() {
    return false;
  }
}
