package dev.marquee.store;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Field-value replies read the same whichever protocol the client negotiated: RESP3 answers {@code
 * HGETALL} with a map and {@code ZRANGE ... WITHSCORES} with [member, score] pairs, RESP2 with one
 * flat array for both.
 */
public final class Replies {
  private Replies() {}

  /** The pairs in reply order (a RESP3 map has none, so a hash comes back in any order). */
  public static List<Map.Entry<String, Response>> pairs(Response reply) {
    List<Map.Entry<String, Response>> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    if (reply.isMap()) {
      for (String key : reply.getKeys()) {
        out.add(new SimpleImmutableEntry<>(key, reply.get(key)));
      }
      return out;
    }
    int n = reply.size();
    for (int i = 0; i < n; i++) {
      Response item = reply.get(i);
      if (item.type() == ResponseType.MULTI) {
        out.add(new SimpleImmutableEntry<>(item.get(0).toString(), item.get(1)));
      } else if (i + 1 < n) {
        out.add(new SimpleImmutableEntry<>(item.toString(), reply.get(++i)));
      }
    }
    return out;
  }
}
