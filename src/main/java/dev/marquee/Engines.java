package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that chooses the engine: memory without {@code REDIS_URL}, Redis with it. */
final class Engines {
  private static final Logger log = LoggerFactory.getLogger(Engines.class);

  private Engines() {}

  static Future<Engine> create(Config config, Clock clock, Records stored, Vertx vertx) {
    if (config.redis().isPresent()) {
      log.info(
          "engine selected",
          kv("engine", "redis"),
          kv("instances", "many"),
          kv("redis", config.redis().get().redacted()));
      return RedisEngine.start(config, clock, stored, vertx);
    }
    log.info("engine selected", kv("engine", "memory"), kv("instances", "one"));
    return MemoryEngine.start(config, clock, stored);
  }
}
