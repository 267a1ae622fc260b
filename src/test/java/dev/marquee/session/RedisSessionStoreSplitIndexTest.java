package dev.marquee.session;

/**
 * Everything again with the live index updated beside the scripts instead of inside them, as on a
 * cluster, where the index and a session hash live in different slots.
 */
class RedisSessionStoreSplitIndexTest extends RedisSessionStoreTest {
  @Override
  boolean indexInScripts() {
    return false;
  }
}
