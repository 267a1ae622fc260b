package dev.marquee;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.Config;
import dev.marquee.config.ConfigException;
import dev.marquee.logging.LogSetup;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: environment to config, logging, then the server until SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Config config;
    try {
      config = Config.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("marquee: cannot start, the configuration is invalid:");
      e.problems().forEach(p -> System.err.println("  - " + p));
      System.err.println("See .env.example for every variable and its default.");
      System.exit(2);
      return;
    }
    LogSetup.apply(config.log());
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("marquee starting", kv("config", config.describe()));

    Marquee marquee;
    try {
      marquee =
          Marquee.start(config, Clock.systemUTC())
              .toCompletionStage()
              .toCompletableFuture()
              .get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("marquee: start-up failed: " + cause.getMessage());
      LogSetup.stop();
      System.exit(1);
      return;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    marquee
                        .stop()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(
                            config.health().shutdownTimeout().toMillis() + 4_000,
                            TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    log.error("shutdown did not complete cleanly", kv("reason", e.toString()));
                  } finally {
                    LogSetup.stop();
                    stopped.countDown();
                  }
                },
                "marquee-shutdown"));
    stopped.await();
  }
}
