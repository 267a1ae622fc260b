package dev.marquee.session;

import static dev.marquee.testing.Await.await;
import static dev.marquee.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} backend promises; each backend runs it by a subclass. */
abstract class SessionStoreContract {
  static final Instant CREATED = Instant.parse("2026-11-25T12:00:00Z");

  /** A fresh, empty store; backends sharing a server isolate each call (e.g. by key prefix). */
  protected abstract SessionStore create();

  SessionStore store;

  @BeforeEach
  void createStore() {
    store = create();
  }

  static SessionState fresh(String code) {
    return new SessionState(
        code,
        "Lobby " + code,
        CREATED,
        CREATED.plus(Duration.ofHours(24)),
        CREATED,
        0,
        "epoch-1",
        null,
        null,
        null);
  }

  @Test
  void putSessionIsFoundByCode() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));

    assertThat(await(store.find("K7QX2M"))).contains(s);
  }

  @Test
  void unknownCodeIsNotFound() {
    assertThat(await(store.find("ZZZZZZ"))).isEmpty();
  }

  @Test
  void putReplacesTheSessionWithTheSameCode() {
    await(store.put(fresh("K7QX2M")));
    SessionState rebuilt = fresh("K7QX2M").withMessage(41, CREATED.plusSeconds(30));
    await(store.put(rebuilt));

    assertThat(await(store.find("K7QX2M"))).contains(rebuilt);
    assertThat(await(store.live())).containsExactly(rebuilt);
  }

  @Test
  void liveListsEveryLiveSessionAndLiveCountAgrees() {
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));

    assertThat(await(store.live()))
        .extracting(SessionState::code)
        .containsExactlyInAnyOrder("AAAAAA", "BBBBBB");
    assertThat(store.liveCount()).isEqualTo(2);
  }

  @Test
  void advanceAssignsOneTwoThreeAndStampsActivity() {
    await(store.put(fresh("K7QX2M")));
    List<Long> seqs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Instant at = CREATED.plusSeconds(i);
      SessionState after = await(store.advance("K7QX2M", at));
      seqs.add(after.lastSeq());
      assertThat(after.lastActivityAt()).isEqualTo(at);
    }

    assertThat(seqs).containsExactly(1L, 2L, 3L);
    SessionState stored = await(store.find("K7QX2M")).orElseThrow();
    assertThat(stored.lastSeq()).isEqualTo(3);
    assertThat(stored.lastActivityAt()).isEqualTo(CREATED.plusSeconds(3));
  }

  @Test
  void advanceKeepsEverythingButSeqAndActivity() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));

    SessionState after = await(store.advance("K7QX2M", CREATED.plusSeconds(5)));

    assertThat(after).isEqualTo(s.withMessage(1, CREATED.plusSeconds(5)));
  }

  @Test
  void advanceContinuesFromARebuiltSessionsLastSeq() {
    await(store.put(fresh("K7QX2M").withMessage(41, CREATED)));

    assertThat(await(store.advance("K7QX2M", CREATED.plusSeconds(1))).lastSeq()).isEqualTo(42);
  }

  @Test
  void sessionsCountTheirSeqsIndependently() {
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));
    await(store.advance("AAAAAA", CREATED));
    await(store.advance("AAAAAA", CREATED));

    assertThat(await(store.advance("BBBBBB", CREATED)).lastSeq()).isEqualTo(1);
  }

  @Test
  void advanceOfUnknownSessionFailsAsGone() {
    assertThat(awaitFailure(store.advance("ZZZZZZ", CREATED)))
        .isInstanceOf(SessionGoneException.class);
  }

  @Test
  void advanceOfEndedSessionFailsAsGone() {
    await(store.put(fresh("K7QX2M")));
    await(store.end("K7QX2M", EndReason.CLOSED, CREATED.plusSeconds(1)));

    assertThat(awaitFailure(store.advance("K7QX2M", CREATED.plusSeconds(2))))
        .isInstanceOf(SessionGoneException.class);
  }

  @Test
  void onlyTheFirstEndGetsTheEndedState() {
    await(store.put(fresh("K7QX2M")));
    await(store.advance("K7QX2M", CREATED.plusSeconds(1)));
    Instant at = CREATED.plusSeconds(60);

    Optional<SessionState> first = await(store.end("K7QX2M", EndReason.INACTIVE, at));
    Optional<SessionState> second = await(store.end("K7QX2M", EndReason.CLOSED, at));

    assertThat(first)
        .hasValueSatisfying(
            s -> {
              assertThat(s.ended()).isTrue();
              assertThat(s.endedAt()).isEqualTo(at);
              assertThat(s.endReason()).isEqualTo(EndReason.INACTIVE);
              assertThat(s.lastSeq()).isEqualTo(1);
              assertThat(s.code()).isEqualTo("K7QX2M");
            });
    assertThat(second).isEmpty();
  }

  @Test
  void endedSessionLeavesFindAndLive() {
    await(store.put(fresh("AAAAAA")));
    await(store.put(fresh("BBBBBB")));
    await(store.end("AAAAAA", EndReason.EXPIRED, CREATED.plusSeconds(1)));

    assertThat(await(store.find("AAAAAA"))).isEmpty();
    assertThat(await(store.live())).extracting(SessionState::code).containsExactly("BBBBBB");
    assertThat(store.liveCount()).isEqualTo(1);
  }

  @Test
  void endOfUnknownSessionIsEmpty() {
    assertThat(await(store.end("ZZZZZZ", EndReason.CLOSED, CREATED))).isEmpty();
  }

  @Test
  void markWarnedIsTrueExactlyOncePerQuietPeriod() {
    await(store.put(fresh("K7QX2M")));

    assertThat(await(store.markWarned("K7QX2M", CREATED))).isTrue();
    assertThat(await(store.markWarned("K7QX2M", CREATED))).isFalse();
  }

  @Test
  void markWarnedForAPeriodThatActivityEndedIsFalse() {
    await(store.put(fresh("K7QX2M")));
    await(store.advance("K7QX2M", CREATED.plusSeconds(10)));

    assertThat(await(store.markWarned("K7QX2M", CREATED))).isFalse();
  }

  @Test
  void newActivityOpensAPeriodThatIsWarnedAboutOnceMore() {
    await(store.put(fresh("K7QX2M")));
    await(store.markWarned("K7QX2M", CREATED));
    Instant later = CREATED.plusSeconds(10);
    await(store.advance("K7QX2M", later));

    assertThat(await(store.markWarned("K7QX2M", later))).isTrue();
    assertThat(await(store.markWarned("K7QX2M", later))).isFalse();
  }

  @Test
  void markWarnedOfUnknownOrEndedSessionIsFalse() {
    await(store.put(fresh("K7QX2M")));
    await(store.end("K7QX2M", EndReason.CLOSED, CREATED));

    assertThat(await(store.markWarned("K7QX2M", CREATED))).isFalse();
    assertThat(await(store.markWarned("ZZZZZZ", CREATED))).isFalse();
  }

  @Test
  void concurrentMarkWarnedHasExactlyOneWinner() {
    await(store.put(fresh("K7QX2M")));

    List<Boolean> results = Race.run(8, i -> await(store.markWarned("K7QX2M", CREATED)));

    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void concurrentEndsHaveExactlyOneWinner() {
    await(store.put(fresh("K7QX2M")));

    List<Optional<SessionState>> results =
        Race.run(8, i -> await(store.end("K7QX2M", EndReason.CLOSED, CREATED.plusSeconds(i))));

    assertThat(results.stream().filter(Optional::isPresent)).hasSize(1);
  }

  @Test
  void concurrentAdvancesYieldDistinctGaplessSeqs() {
    await(store.put(fresh("K7QX2M")));
    int threads = 8;
    int each = 200;

    List<List<Long>> perThread =
        Race.run(
            threads,
            i -> {
              List<Long> seqs = new ArrayList<>(each);
              for (int n = 0; n < each; n++) {
                seqs.add(await(store.advance("K7QX2M", CREATED.plusMillis(n))).lastSeq());
              }
              return seqs;
            });

    // Each thread sees its own seqs rise; together they are 1..n with no gap or repeat.
    perThread.forEach(seqs -> assertThat(seqs).isSorted().doesNotHaveDuplicates());
    List<Long> all = perThread.stream().flatMap(List::stream).sorted().toList();
    assertThat(all)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * each).boxed().toList());
    assertThat(await(store.find("K7QX2M")).orElseThrow().lastSeq()).isEqualTo(threads * each);
  }

  @Test
  void anOpenSessionAdmitsEveryoneAndIsNotLocked() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));

    assertThat(await(store.locked("K7QX2M"))).isFalse();
    assertThat(await(store.admit(s, "alice", true, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
    assertThat(await(store.admit(s, "tv", false, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
  }

  @Test
  void aLockedSessionRefusesNewControllersButNotMembersOrDisplays() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));
    await(store.admit(s, "alice", true, CREATED));

    assertThat(await(store.lock(s, true))).isTrue();

    assertThat(await(store.locked("K7QX2M"))).isTrue();
    assertThat(await(store.admit(s, "mallory", true, CREATED)))
        .isEqualTo(SessionStore.Admission.LOCKED);
    assertThat(await(store.admit(s, "alice", true, CREATED)))
        .as("a member reconnecting")
        .isEqualTo(SessionStore.Admission.ADMITTED);
    assertThat(await(store.admit(s, "tv", false, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
    assertThat(await(store.admit(s, "tv", true, CREATED)))
        .as("a display is no member as a controller")
        .isEqualTo(SessionStore.Admission.LOCKED);

    assertThat(await(store.lock(s, false))).isTrue();
    assertThat(await(store.locked("K7QX2M"))).isFalse();
    assertThat(await(store.admit(s, "mallory", true, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
  }

  @Test
  void lockOfASessionThatIsNotLiveChangesNothing() {
    SessionState s = fresh("K7QX2M");
    assertThat(await(store.lock(s, true))).isFalse();
    await(store.put(s));
    await(store.end("K7QX2M", EndReason.CLOSED, CREATED));
    assertThat(await(store.lock(s, true))).isFalse();
    assertThat(await(store.locked("K7QX2M"))).isFalse();
  }

  @Test
  void aKickedClientIsRefusedInAnyRoleUntilItsKickEndsThenNoLongerAMember() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));
    await(store.admit(s, "alice", true, CREATED));
    Instant until = CREATED.plus(Duration.ofMinutes(10));

    await(store.kick(s, "alice", until));

    assertThat(await(store.admit(s, "alice", true, CREATED)))
        .isEqualTo(SessionStore.Admission.KICKED);
    assertThat(await(store.admit(s, "alice", false, until.minusMillis(1))))
        .isEqualTo(SessionStore.Admission.KICKED);
    assertThat(await(store.admit(s, "bob", true, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
    await(store.lock(s, true));
    assertThat(await(store.admit(s, "alice", true, until)))
        .as("the kick is over but alice is no member of the locked session")
        .isEqualTo(SessionStore.Admission.LOCKED);
    await(store.lock(s, false));
    assertThat(await(store.admit(s, "alice", true, until)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
  }

  @Test
  void anEndedSessionForgetsItsLockAndKicks() {
    SessionState s = fresh("K7QX2M");
    await(store.put(s));
    await(store.lock(s, true));
    await(store.kick(s, "alice", CREATED.plus(Duration.ofMinutes(10))));
    await(store.end("K7QX2M", EndReason.CLOSED, CREATED));

    await(store.put(s));

    assertThat(await(store.locked("K7QX2M"))).isFalse();
    assertThat(await(store.admit(s, "alice", true, CREATED)))
        .isEqualTo(SessionStore.Admission.ADMITTED);
  }
}
