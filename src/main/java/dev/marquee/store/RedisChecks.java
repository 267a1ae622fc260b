package dev.marquee.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of the Redis server's settings that decide what survives its restart. They only
 * warn: managed services may hide CONFIG, and some operators choose speed over durability.
 */
public final class RedisChecks {
  private static final Logger log = LoggerFactory.getLogger(RedisChecks.class);

  private RedisChecks() {}

  /** The oldest Redis whose commands and script flags Marquee uses ({@code #!lua flags=}). */
  public static final int MIN_MAJOR = 7;

  /** Fails with a clear message on a Redis older than {@link #MIN_MAJOR}. */
  public static Future<Void> requireVersion(RedisStore store) {
    return store
        .send(Command.INFO, "server")
        .compose(
            info -> {
              String version = field(info == null ? "" : info.toString(), "redis_version");
              if (version == null) {
                return Future.succeededFuture();
              }
              int major;
              try {
                major = Integer.parseInt(version.split("\\.")[0]);
              } catch (NumberFormatException e) {
                return Future.succeededFuture();
              }
              return major >= MIN_MAJOR
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(
                      new IllegalStateException(
                          "Redis "
                              + version
                              + " is too old: Marquee needs Redis "
                              + MIN_MAJOR
                              + ".0 or later"));
            });
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  /** Logs a warning for each risky setting; never fails. */
  public static Future<Void> warnAboutDurability(RedisStore store) {
    Future<Void> aof =
        store
            .send(Command.INFO, "persistence")
            .map(
                info -> {
                  if (info != null && info.toString().contains("aof_enabled:0")) {
                    log.warn(
                        "redis persistence (AOF) is off: a Redis restart loses messages not yet in"
                            + " PostgreSQL and every session's seq continuity (clients resync);"
                            + " enable appendonly yes with appendfsync everysec",
                        kv("redis", store.url().redacted()));
                  }
                  return (Void) null;
                })
            .recover(e -> Future.succeededFuture());
    Future<Void> eviction =
        store
            .send(Command.CONFIG, "GET", "maxmemory-policy")
            .map(
                reply -> {
                  String policy = policy(reply);
                  if (policy != null && !policy.equals("noeviction")) {
                    log.warn(
                        "redis may evict keys under memory pressure: live sessions could vanish;"
                            + " set maxmemory-policy noeviction",
                        kv("maxmemoryPolicy", policy));
                  }
                  return (Void) null;
                })
            .recover(e -> Future.succeededFuture());
    return Future.join(aof, eviction).mapEmpty();
  }

  private static String policy(Response reply) {
    if (reply == null) {
      return null;
    }
    if (reply.isMap()) {
      Response value = reply.get("maxmemory-policy");
      return value == null ? null : value.toString();
    }
    return reply.size() > 1 ? reply.get(1).toString() : null;
  }
}
