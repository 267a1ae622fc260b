package dev.marquee.messaging;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.config.Config;
import dev.marquee.messaging.MessageIntake.Admission;
import dev.marquee.messaging.MessageIntake.Submission;
import dev.marquee.presence.Role;
import dev.marquee.ratelimit.RateLimitKind;
import dev.marquee.testing.Eventually;
import dev.marquee.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageIntake} promises: all of a message or none of it, gapless seqs, both
 * limits exact, publication in seq order. Backends plug in through {@link Fixture}, which observes
 * their effects with the backend's own means.
 */
abstract class MessageIntakeContract {
  static final Config.RateLimits LIMITS =
      new Config.RateLimits(
          new Config.Limit(3, Duration.ofSeconds(60)),
          new Config.Limit(5, Duration.ofSeconds(60)),
          new Config.Limit(100, Duration.ofSeconds(60)),
          new Config.Limit(100, Duration.ofSeconds(60)),
          new Config.Limit(100, Duration.ofSeconds(60)));

  /** A backend under test, with ways to look at what it did. */
  interface Fixture {
    MessageIntake intake();

    /** Makes a live session with this code. */
    void createSession(String code) throws Exception;

    /** Ends it, as far as the engine is concerned. */
    void endSession(String code) throws Exception;

    /** Seqs published for the session so far, in arrival order (subscribed before any send). */
    List<Long> published(String code) throws Exception;

    /** Seqs in the recent-history window, oldest first. */
    List<Long> history(String code) throws Exception;

    long lastSeq(String code) throws Exception;

    void close() throws Exception;
  }

  protected final MutableClock clock = new MutableClock();
  protected Fixture fixture;

  /** Creates the backend with {@link #LIMITS} and {@link #clock}. */
  protected abstract Fixture create() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    fixture = create();
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  static Submission send(String code, String clientId, String ip, String text) {
    return new Submission(code, clientId, "Alice", Role.CONTROLLER, ip, text);
  }

  @Test
  void acceptedMessagesGetGaplessSeqsAndArePublishedAndKept() throws Exception {
    fixture.createSession("AAAAAA");
    for (int i = 1; i <= 3; i++) {
      Admission a =
          await(fixture.intake().accept(send("AAAAAA", "c" + i, "10.0.0." + i, "hi " + i)));
      assertThat(a).isInstanceOf(Admission.Accepted.class);
      var accepted = (Admission.Accepted) a;
      assertThat(accepted.message().seq()).isEqualTo(i);
      assertThat(accepted.message().text()).isEqualTo("hi " + i);
      assertThat(accepted.message().ts()).isEqualTo(clock.millis());
      await(accepted.stored());
    }
    assertThat(fixture.lastSeq("AAAAAA")).isEqualTo(3);
    assertThat(fixture.history("AAAAAA")).containsExactly(1L, 2L, 3L);
    awaitPublished("AAAAAA", List.of(1L, 2L, 3L));
  }

  @Test
  void aControllerOverItsLimitIsRefusedWithTheExactWaitAndNothingHappens() throws Exception {
    fixture.createSession("BBBBBB");
    for (int i = 0; i < 3; i++) {
      assertThat(await(fixture.intake().accept(send("BBBBBB", "c", "10.0.0.1", "x"))))
          .isInstanceOf(Admission.Accepted.class);
      clock.advance(Duration.ofSeconds(10));
    }
    Admission refused = await(fixture.intake().accept(send("BBBBBB", "c", "10.0.0.1", "x")));
    assertThat(refused).isEqualTo(Admission.Refused.rateLimited(RateLimitKind.CONTROLLER, 30_000));
    assertThat(fixture.lastSeq("BBBBBB")).isEqualTo(3);
    assertThat(fixture.history("BBBBBB")).containsExactly(1L, 2L, 3L);

    clock.advance(Duration.ofSeconds(30));
    var next =
        (Admission.Accepted) await(fixture.intake().accept(send("BBBBBB", "c", "10.0.0.1", "x")));
    assertThat(next.message().seq()).isEqualTo(4);
    awaitPublished("BBBBBB", List.of(1L, 2L, 3L, 4L));
  }

  @Test
  void theIpLimitCoversEveryControllerAndItsRefusalRecordsNothingForTheController()
      throws Exception {
    fixture.createSession("CCCCCC");
    for (int i = 0; i < 5; i++) {
      assertThat(await(fixture.intake().accept(send("CCCCCC", "c" + (i % 2), "10.0.0.9", "x"))))
          .isInstanceOf(Admission.Accepted.class);
    }
    Admission refused = await(fixture.intake().accept(send("CCCCCC", "fresh", "10.0.0.9", "x")));
    assertThat(refused).isInstanceOf(Admission.Refused.class);
    assertThat(((Admission.Refused) refused).limitedBy()).isEqualTo(RateLimitKind.IP);
    // "fresh" was refused by the IP rule, so its own log is still empty: three from elsewhere pass.
    for (int i = 0; i < 3; i++) {
      assertThat(await(fixture.intake().accept(send("CCCCCC", "fresh", "10.0.1." + i, "x"))))
          .isInstanceOf(Admission.Accepted.class);
    }
    assertThat(fixture.lastSeq("CCCCCC")).isEqualTo(8);
  }

  @Test
  void aSessionThatIsNotLiveRefusesWithSessionEnded() throws Exception {
    assertThat(await(fixture.intake().accept(send("DDDDDD", "c", "10.0.0.1", "x"))))
        .isEqualTo(Admission.Refused.sessionEnded());
    fixture.createSession("EEEEEE");
    fixture.endSession("EEEEEE");
    assertThat(await(fixture.intake().accept(send("EEEEEE", "c", "10.0.0.1", "x"))))
        .isEqualTo(Admission.Refused.sessionEnded());
  }

  @Test
  void concurrentSendersGetDistinctGaplessSeqsPublishedInOrder() throws Exception {
    fixture.createSession("FFFFFF");
    int threads = 8;
    int each = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < each; i++) {
                  Admission a =
                      await(
                          fixture
                              .intake()
                              .accept(
                                  send("FFFFFF", "t" + id + "-" + i, "10.1." + id + "." + i, "x")));
                  seqs.add(((Admission.Accepted) a).message().seq());
                }
                return null;
              }));
    }
    start.countDown();
    for (var f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= threads * each; i++) {
      expected.add(i);
    }
    assertThat(seqs).containsExactlyInAnyOrderElementsOf(expected);
    awaitPublished("FFFFFF", expected);
  }

  private void awaitPublished(String code, List<Long> expected) throws Exception {
    Eventually.until(
        Duration.ofSeconds(5),
        () -> {
          try {
            return fixture.published(code).size() >= expected.size();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        expected.size() + " publications");
    assertThat(fixture.published(code)).containsExactlyElementsOf(expected);
  }
}
