package dev.marquee.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A search match's text as segments {@code {"text","match"}} that, joined, give the message text.
 * Clients show messages as plain text, never markup, so the matched words are marked by structure
 * rather than by tags a client would have to parse (and a sender could forge).
 */
final class Highlight {
  private Highlight() {}

  /** Splits text marked by {@link HistorySql#MARK_START} and {@link HistorySql#MARK_END}. */
  static JsonArray segments(String marked) {
    JsonArray out = new JsonArray();
    StringBuilder current = new StringBuilder();
    boolean match = false;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == HistorySql.MARK_START || c == HistorySql.MARK_END) {
        add(out, current, match);
        match = c == HistorySql.MARK_START;
      } else {
        current.append(c);
      }
    }
    add(out, current, match);
    return out;
  }

  /** Adjacent segments of one kind are joined; empty ones are left out. */
  private static void add(JsonArray out, StringBuilder text, boolean match) {
    if (text.length() == 0) {
      return;
    }
    int last = out.size() - 1;
    if (last >= 0 && out.getJsonObject(last).getBoolean("match") == match) {
      JsonObject previous = out.getJsonObject(last);
      previous.put("text", previous.getString("text") + text);
    } else {
      out.add(new JsonObject().put("text", text.toString()).put("match", match));
    }
    text.setLength(0);
  }
}
