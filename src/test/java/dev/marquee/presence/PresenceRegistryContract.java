package dev.marquee.presence;

import static dev.marquee.presence.PresenceRegistry.Change.Kind.ACTIVE;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.IDLE;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.JOIN;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.LEAVE;
import static dev.marquee.presence.PresenceRegistry.Change.Kind.NONE;
import static dev.marquee.presence.PresenceRegistry.Via.HTTP;
import static dev.marquee.presence.PresenceRegistry.Via.WS;
import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.presence.PresenceRegistry.Change;
import dev.marquee.presence.PresenceRegistry.Counts;
import dev.marquee.presence.PresenceRegistry.Member;
import dev.marquee.testing.MutableClock;
import dev.marquee.testing.Race;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PresenceRegistry} backend promises about members, connections, counts and
 * idleness. Time is a {@link MutableClock}, so idleness is tested by moving it.
 */
abstract class PresenceRegistryContract {
  static final Duration IDLE_AFTER = Duration.ofMinutes(5);
  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** A fresh, empty registry reading time from {@code clock}. */
  protected abstract PresenceRegistry create(Clock clock);

  final MutableClock clock = new MutableClock();
  PresenceRegistry presence;

  @BeforeEach
  void createRegistry() {
    presence = create(clock);
  }

  Change join(String clientId, Role role) {
    return await(presence.join("AAAAAA", clientId, "name " + clientId, role, WS));
  }

  Change leave(String clientId) {
    return await(presence.leave("AAAAAA", clientId, "left"));
  }

  List<Change> sweep() {
    return await(presence.sweep(IDLE_AFTER, IDLE_TIMEOUT));
  }

  Counts counts() {
    return await(presence.counts("AAAAAA"));
  }

  @Test
  void firstConnectionJoinsAndIsCountedInItsOwnChange() {
    Instant now = clock.instant();
    Change change = join("c-1", Role.DISPLAY);

    assertThat(change.kind()).isEqualTo(JOIN);
    assertThat(change.event()).isEqualTo("join");
    assertThat(change.session()).isEqualTo("AAAAAA");
    assertThat(change.member())
        .isEqualTo(new Member("c-1", "name c-1", Role.DISPLAY, now, now, false, WS));
    assertThat(change.counts()).isEqualTo(new Counts(0, 1, 0));
    assertThat(change.reason()).isNull();
  }

  @Test
  void secondConnectionOfTheSameMemberChangesNothing() {
    join("c-1", Role.CONTROLLER);
    Change second = join("c-1", Role.CONTROLLER);

    assertThat(second.kind()).isEqualTo(NONE);
    assertThat(second.counts()).isEqualTo(new Counts(1, 0, 0));
    assertThat(counts()).isEqualTo(new Counts(1, 0, 0));
  }

  @Test
  void memberStaysWhileItHoldsAConnectionAndLeavesWithItsLast() {
    join("c-1", Role.CONTROLLER);
    join("c-1", Role.CONTROLLER);

    Change first = leave("c-1");
    assertThat(first.kind()).isEqualTo(NONE);
    assertThat(counts()).isEqualTo(new Counts(1, 0, 0));

    Change last = await(presence.leave("AAAAAA", "c-1", "closed"));
    assertThat(last.kind()).isEqualTo(LEAVE);
    assertThat(last.reason()).isEqualTo("closed");
    assertThat(last.member().clientId()).isEqualTo("c-1");
    assertThat(last.member().role()).isEqualTo(Role.CONTROLLER);
    assertThat(last.counts()).isEqualTo(Counts.EMPTY);
    assertThat(counts()).isEqualTo(Counts.EMPTY);
    assertThat(await(presence.members("AAAAAA"))).isEmpty();
  }

  @Test
  void anHttpMemberThatOpenedASocketLeavesWithTheSocket() {
    // The HTTP join holds no connection (see the port), so the socket's close is its last.
    await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, PresenceRegistry.Via.HTTP));
    join("d-1", Role.DISPLAY);

    assertThat(leave("d-1").kind()).isEqualTo(LEAVE);
    assertThat(counts()).isEqualTo(Counts.EMPTY);
  }

  @Test
  void removeTakesAMemberOutWhateverConnectionsItHolds() {
    join("c-1", Role.CONTROLLER);
    join("c-1", Role.CONTROLLER);
    join("d-1", Role.DISPLAY);

    Change removed = await(presence.remove("AAAAAA", "c-1", "idle"));
    assertThat(removed.kind()).isEqualTo(LEAVE);
    assertThat(removed.reason()).isEqualTo("idle");
    assertThat(removed.member().clientId()).isEqualTo("c-1");
    assertThat(removed.counts()).isEqualTo(new Counts(0, 1, 0));
    assertThat(counts()).isEqualTo(new Counts(0, 1, 0));
    assertThat(await(presence.remove("AAAAAA", "c-1", "idle")).kind()).isEqualTo(NONE);
    // Its remaining socket closing later changes nothing.
    assertThat(leave("c-1").kind()).isEqualTo(NONE);
    assertThat(counts()).isEqualTo(new Counts(0, 1, 0));
  }

  @Test
  void leaveOfAMemberThatIsNotPresentIsNone() {
    join("c-1", Role.DISPLAY);

    assertThat(leave("c-2").kind()).isEqualTo(NONE);
    assertThat(await(presence.leave("ZZZZZZ", "c-1", "left")).kind()).isEqualTo(NONE);
    assertThat(counts()).isEqualTo(new Counts(0, 1, 0));
  }

  @Test
  void countsAreByRoleAndPerSession() {
    join("c-1", Role.CONTROLLER);
    join("c-2", Role.CONTROLLER);
    Change third = join("d-1", Role.DISPLAY);
    await(presence.join("BBBBBB", "d-9", "Other", Role.DISPLAY, WS));

    assertThat(third.counts()).isEqualTo(new Counts(2, 1, 0));
    assertThat(counts()).isEqualTo(new Counts(2, 1, 0));
    assertThat(counts().online()).isEqualTo(3);
    assertThat(await(presence.counts("BBBBBB"))).isEqualTo(new Counts(0, 1, 0));
    assertThat(await(presence.counts("ZZZZZZ"))).isEqualTo(Counts.EMPTY);
  }

  @Test
  void leaveCountsNoLongerIncludeTheLeaver() {
    join("c-1", Role.CONTROLLER);
    join("d-1", Role.DISPLAY);

    assertThat(leave("c-1").counts()).isEqualTo(new Counts(0, 1, 0));
  }

  @Test
  void membersAreListedOldestFirstWithTheirTimes() {
    Instant first = clock.instant();
    join("d-1", Role.DISPLAY);
    clock.advance(Duration.ofSeconds(5));
    join("c-1", Role.CONTROLLER);
    clock.advance(Duration.ofSeconds(5));
    join("c-2", Role.CONTROLLER);
    clock.advance(Duration.ofSeconds(5));
    await(presence.touch("AAAAAA", "d-1"));

    List<Member> members = await(presence.members("AAAAAA"));

    assertThat(members).extracting(Member::clientId).containsExactly("d-1", "c-1", "c-2");
    assertThat(members.get(0).joinedAt()).isEqualTo(first);
    assertThat(members.get(0).lastActiveAt()).isEqualTo(first.plusSeconds(15));
    assertThat(members.get(1).joinedAt()).isEqualTo(first.plusSeconds(5));
    assertThat(members.get(1).lastActiveAt()).isEqualTo(first.plusSeconds(5));
    assertThat(await(presence.members("ZZZZZZ"))).isEmpty();
  }

  @Test
  void laterJoinsGiveTheNameButKeepTheJoinTime() {
    Instant first = clock.instant();
    await(presence.join("AAAAAA", "c-1", "Alice", Role.CONTROLLER, WS));
    clock.advance(Duration.ofSeconds(30));
    await(presence.join("AAAAAA", "c-1", "Alice B.", Role.CONTROLLER, WS));

    Member member = await(presence.members("AAAAAA")).get(0);
    assertThat(member.name()).isEqualTo("Alice B.");
    assertThat(member.joinedAt()).isEqualTo(first);
    assertThat(member.lastActiveAt()).isEqualTo(first.plusSeconds(30));
  }

  @Test
  void touchOfAnActiveMemberIsNoneAndCountsAsActivity() {
    join("c-1", Role.CONTROLLER);
    clock.advance(Duration.ofSeconds(42));

    assertThat(await(presence.touch("AAAAAA", "c-1")).kind()).isEqualTo(NONE);
    assertThat(await(presence.members("AAAAAA")).get(0).lastActiveAt()).isEqualTo(clock.instant());
  }

  @Test
  void touchOfAnAbsentMemberIsNoneAndAddsNobody() {
    assertThat(await(presence.touch("AAAAAA", "c-1")).kind()).isEqualTo(NONE);
    assertThat(await(presence.members("AAAAAA"))).isEmpty();
  }

  @Test
  void dropForgetsOnlyThatSession() {
    join("c-1", Role.CONTROLLER);
    await(presence.join("BBBBBB", "d-9", "Other", Role.DISPLAY, WS));

    await(presence.drop("AAAAAA"));

    assertThat(counts()).isEqualTo(Counts.EMPTY);
    assertThat(await(presence.members("AAAAAA"))).isEmpty();
    assertThat(leave("c-1").kind()).isEqualTo(NONE);
    assertThat(join("c-1", Role.CONTROLLER).kind()).isEqualTo(JOIN);
    assertThat(await(presence.counts("BBBBBB"))).isEqualTo(new Counts(0, 1, 0));
  }

  @Test
  void httpMemberIsListedAsHttpAndCounted() {
    Change change = await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, HTTP));

    assertThat(change.kind()).isEqualTo(JOIN);
    assertThat(change.member().via()).isEqualTo(HTTP);
    assertThat(counts().online()).isEqualTo(1);
    assertThat(await(presence.members("AAAAAA"))).extracting(Member::via).containsExactly(HTTP);
  }

  @Test
  void repeatedHttpJoinsHoldNoExtraConnection() {
    await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, HTTP));
    Change again = await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, HTTP));

    assertThat(again.kind()).isEqualTo(NONE);
    assertThat(leave("d-1").kind()).isEqualTo(LEAVE);
  }

  @Test
  void httpMemberThatOpensASocketIsListedAsWebSocket() {
    await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, HTTP));
    Change ws = await(presence.join("AAAAAA", "d-1", "Poller", Role.DISPLAY, WS));

    assertThat(ws.kind()).isEqualTo(NONE);
    assertThat(await(presence.members("AAAAAA"))).extracting(Member::via).containsExactly(WS);
  }

  @Test
  void concurrentConnectionsOfOneMemberJoinAndLeaveItOnce() {
    List<Change> joins = Race.run(8, i -> join("c-1", Role.CONTROLLER));
    assertThat(joins).extracting(Change::kind).containsOnlyOnce(JOIN);
    assertThat(counts()).isEqualTo(new Counts(1, 0, 0));

    List<Change> leaves = Race.run(8, i -> leave("c-1"));
    assertThat(leaves).extracting(Change::kind).containsOnlyOnce(LEAVE);
    assertThat(counts()).isEqualTo(Counts.EMPTY);
  }

  @Test
  void sweepMarksMembersSilentForIdleAfterAsIdleOnce() {
    join("c-1", Role.CONTROLLER);
    join("d-1", Role.DISPLAY);
    clock.advance(IDLE_AFTER.minusMillis(1));
    assertThat(sweep()).isEmpty();

    clock.advance(Duration.ofMillis(1));
    List<Change> changes = sweep();

    assertThat(changes).extracting(Change::kind).containsOnly(IDLE);
    assertThat(changes)
        .extracting(c -> c.member().clientId())
        .containsExactlyInAnyOrder("c-1", "d-1");
    assertThat(changes).allSatisfy(c -> assertThat(c.member().idle()).isTrue());
    assertThat(changes).allSatisfy(c -> assertThat(c.session()).isEqualTo("AAAAAA"));
    assertThat(counts()).isEqualTo(new Counts(1, 1, 2));
    assertThat(await(presence.members("AAAAAA"))).allMatch(Member::idle);
    assertThat(sweep()).as("idle is announced once").isEmpty();
  }

  @Test
  void idleChangeCarriesCountsIncludingTheIdleMember() {
    join("d-1", Role.DISPLAY);
    clock.advance(IDLE_AFTER);

    assertThat(sweep())
        .singleElement()
        .satisfies(c -> assertThat(c.counts()).isEqualTo(new Counts(0, 1, 1)));
  }

  @Test
  void membersHeardFromAreNotMarkedIdle() {
    join("c-1", Role.CONTROLLER);
    join("c-2", Role.CONTROLLER);
    clock.advance(IDLE_AFTER.minusMinutes(1));
    await(presence.touch("AAAAAA", "c-1"));
    clock.advance(Duration.ofMinutes(1));

    assertThat(sweep()).extracting(c -> c.member().clientId()).containsExactly("c-2");
  }

  @Test
  void touchOfAnIdleMemberMakesItActiveAgain() {
    join("c-1", Role.CONTROLLER);
    clock.advance(IDLE_AFTER);
    sweep();

    Change change = await(presence.touch("AAAAAA", "c-1"));

    assertThat(change.kind()).isEqualTo(ACTIVE);
    assertThat(change.event()).isEqualTo("active");
    assertThat(change.member().idle()).isFalse();
    assertThat(change.counts()).isEqualTo(new Counts(1, 0, 0));
    assertThat(await(presence.touch("AAAAAA", "c-1")).kind()).isEqualTo(NONE);
  }

  @Test
  void newConnectionOfAnIdleMemberMakesItActiveAgain() {
    join("c-1", Role.CONTROLLER);
    clock.advance(IDLE_AFTER);
    sweep();

    Change change = join("c-1", Role.CONTROLLER);

    assertThat(change.kind()).isEqualTo(ACTIVE);
    assertThat(change.member().idle()).isFalse();
    assertThat(change.counts()).isEqualTo(new Counts(1, 0, 0));
  }

  @Test
  void sweepRemovesMembersSilentForIdleTimeout() {
    join("c-1", Role.CONTROLLER);
    join("c-1", Role.CONTROLLER);
    join("d-1", Role.DISPLAY);
    clock.advance(IDLE_TIMEOUT.minusMinutes(1));
    await(presence.touch("AAAAAA", "d-1"));
    clock.advance(Duration.ofMinutes(1));

    List<Change> changes = sweep();

    assertThat(changes)
        .filteredOn(c -> c.kind() == LEAVE)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.member().clientId()).isEqualTo("c-1");
              assertThat(c.reason()).isEqualTo("idle");
              assertThat(c.counts()).isEqualTo(new Counts(0, 1, 0));
            });
    assertThat(counts()).isEqualTo(new Counts(0, 1, 0));
    assertThat(await(presence.members("AAAAAA")))
        .extracting(Member::clientId)
        .containsExactly("d-1");
  }

  @Test
  void memberRemovedAsIdleDoesNotLeaveAgainWhenItsSocketCloses() {
    join("c-1", Role.CONTROLLER);
    clock.advance(IDLE_TIMEOUT);
    sweep();

    assertThat(leave("c-1").kind()).isEqualTo(NONE);
    assertThat(await(presence.touch("AAAAAA", "c-1")).kind()).isEqualTo(NONE);
    assertThat(join("c-1", Role.CONTROLLER).kind()).isEqualTo(JOIN);
  }

  @Test
  void sweepCoversEverySession() {
    join("c-1", Role.CONTROLLER);
    await(presence.join("BBBBBB", "d-9", "Other", Role.DISPLAY, HTTP));
    clock.advance(IDLE_AFTER);

    assertThat(sweep()).extracting(Change::session).containsExactlyInAnyOrder("AAAAAA", "BBBBBB");
  }
}
