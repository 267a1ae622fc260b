package dev.marquee.cluster;

import dev.marquee.config.DatabaseUrl;
import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Two servers {@code a} and {@code b} on one Redis and one fresh PostgreSQL database, as behind a
 * load balancer without sticky sessions. A test class says what it sets over the Redis engine's
 * environment, and may swap the Redis or the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoInstancesFixture {
  DatabaseUrl db;
  TestServer a;
  TestServer b;

  /** The Redis engine's environment, on a fresh prefix. */
  Map<String, String> redisEnv() {
    return TestRedis.engineEnv();
  }

  /** The variables this test sets for both servers, over {@link #redisEnv()}. */
  abstract Map<String, String> env();

  /** The clock both servers run on. */
  Clock clock() {
    return Clock.systemUTC();
  }

  @BeforeAll
  void start() {
    db = TestPostgres.freshDatabase();
    Map<String, String> all = new HashMap<>(redisEnv());
    all.putAll(env());
    all.put("DATABASE_URL", TestPostgres.uri(db));
    a = TestServer.start(all, clock());
    b = TestServer.start(all, clock());
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    TestPostgres.drop(db);
  }
}
