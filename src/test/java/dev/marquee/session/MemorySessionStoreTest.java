package dev.marquee.session;

class MemorySessionStoreTest extends SessionStoreContract {
  @Override
  protected SessionStore create() {
    return SessionStore.memory();
  }
}
