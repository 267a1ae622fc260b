package dev.marquee.store;

/**
 * Every Redis key and channel name, in one place (docs/redis.md has the table). Keys of one session
 * carry the hash tag {@code {CODE}} so that on a cluster they share a slot.
 */
public record RedisKeys(String prefix) {

  public String session(String code) {
    return prefix + ":session:{" + code + "}";
  }

  /**
   * Who may join a session: {@code locked}, {@code member:<clientId>} for each controller admitted,
   * {@code kicked:<clientId>} until when (ms).
   */
  public String gate(String code) {
    return prefix + ":gate:{" + code + "}";
  }

  public String liveSessions() {
    return prefix + ":sessions:live";
  }

  public String history(String code) {
    return prefix + ":history:{" + code + "}";
  }

  public String presence(String code) {
    return prefix + ":presence:{" + code + "}";
  }

  public String presenceConnections(String code) {
    return prefix + ":presence:{" + code + "}:conns";
  }

  /** Sessions that have members, score the time of their last join or touch (ms). */
  public String presenceSessions() {
    return prefix + ":presence:sessions";
  }

  public String instance(String id) {
    return prefix + ":instance:" + id;
  }

  public String rateLimit(String kind, String key) {
    return prefix + ":rl:" + kind + ":" + key;
  }

  public String rateLimitStats() {
    return prefix + ":rl:stats";
  }

  public String rateLimitTop() {
    return prefix + ":rl:top";
  }

  /** The outbox stream on standalone and Sentinel. */
  public String outbox() {
    return prefix + ":outbox";
  }

  /** One session's outbox stream on a cluster, in the slot of the session's other keys. */
  public String outbox(String code) {
    return prefix + ":outbox:{" + code + "}";
  }

  /** On a cluster: sessions whose outbox stream may hold messages, score a count of accepts. */
  public String outboxSessions() {
    return prefix + ":outbox:sessions";
  }

  public String room(String code) {
    return prefix + ":room:{" + code + "}";
  }

  /** Pattern matching every key of this prefix, for tests that clean up after themselves. */
  public String all() {
    return prefix + ":*";
  }
}
