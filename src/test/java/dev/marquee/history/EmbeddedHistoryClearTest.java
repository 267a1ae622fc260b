package dev.marquee.history;

import java.util.Map;

/** The same suite on the embedded PostgreSQL (zonky's binaries, with their contrib extensions). */
class EmbeddedHistoryClearTest extends HistoryClearContract {
  @Override
  protected Map<String, String> engineEnv() {
    return Map.of("EMBEDDED", "true");
  }
}
