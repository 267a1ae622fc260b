package dev.marquee.bus;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.history.StoredMessage;
import dev.marquee.presence.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomBus} backend promises. Delivery may be asynchronous, so absence is proved
 * by a later sentinel: events of one session from one publisher arrive in order, so once the
 * sentinel is in, anything published before it would have been too.
 */
abstract class RoomBusContract {

  /** A fresh bus; backends sharing a server isolate each call (e.g. by channel prefix). */
  protected abstract RoomBus create();

  RoomBus bus;

  @BeforeEach
  void createBus() {
    bus = create();
  }

  /** Collects what a listener hears, from whatever thread the bus calls it on. */
  static final class Inbox implements Consumer<RoomEvent> {
    private final LinkedBlockingQueue<RoomEvent> events = new LinkedBlockingQueue<>();

    @Override
    public void accept(RoomEvent event) {
      events.add(event);
    }

    RoomEvent next() {
      try {
        RoomEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("an event within 5 s").isNotNull();
        return e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    List<RoomEvent> next(int n) {
      List<RoomEvent> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(next());
      }
      return out;
    }

    List<RoomEvent> drained() {
      List<RoomEvent> out = new ArrayList<>();
      events.drainTo(out);
      return out;
    }
  }

  static RoomEvent message(String session, long seq) {
    return new RoomEvent.Message(
        new StoredMessage(
            session,
            seq,
            1_764_161_234_567L + seq,
            "c-1",
            "Alice",
            Role.CONTROLLER,
            "hello " + seq),
        12_345L + seq);
  }

  static RoomEvent sentinel(String session) {
    return new RoomEvent.Ended(session, "sentinel");
  }

  Inbox subscribe(String session) {
    Inbox inbox = new Inbox();
    await(bus.subscribe(session, inbox));
    return inbox;
  }

  void publish(RoomEvent event) {
    await(bus.publish(event));
  }

  @Test
  void subscriberGetsTheSessionsEventsInPublishOrder() {
    Inbox inbox = subscribe("AAAAAA");
    List<RoomEvent> sent = new ArrayList<>();
    for (int seq = 1; seq <= 50; seq++) {
      sent.add(message("AAAAAA", seq));
      publish(sent.get(sent.size() - 1));
    }

    assertThat(inbox.next(50)).containsExactlyElementsOf(sent);
  }

  @Test
  void everyKindOfEventArrivesAsPublished() {
    Inbox inbox = subscribe("AAAAAA");
    List<RoomEvent> sent =
        List.of(
            message("AAAAAA", 1),
            new RoomEvent.Presence("AAAAAA", "leave", "c-2", "Bob", "display", 1, 0, "idle"),
            new RoomEvent.Presence("AAAAAA", "join", "c-3", "Eve", "controller", 2, 0, null),
            new RoomEvent.Warning("AAAAAA", Instant.parse("2026-11-25T12:15:00Z"), 300_000),
            new RoomEvent.Ended("AAAAAA", "inactive"));
    sent.forEach(this::publish);

    assertThat(inbox.next(sent.size())).containsExactlyElementsOf(sent);
  }

  @Test
  void subscriberDoesNotHearOtherSessions() {
    Inbox a = subscribe("AAAAAA");
    Inbox b = subscribe("BBBBBB");
    publish(message("BBBBBB", 1));
    publish(message("AAAAAA", 1));
    publish(sentinel("AAAAAA"));
    publish(sentinel("BBBBBB"));

    assertThat(a.next(2)).containsExactly(message("AAAAAA", 1), sentinel("AAAAAA"));
    assertThat(b.next(2)).containsExactly(message("BBBBBB", 1), sentinel("BBBBBB"));
    assertThat(a.drained()).isEmpty();
    assertThat(b.drained()).isEmpty();
  }

  @Test
  void everySubscriberGetsEveryEvent() {
    List<Inbox> inboxes = List.of(subscribe("AAAAAA"), subscribe("AAAAAA"), subscribe("AAAAAA"));
    List<RoomEvent> sent = List.of(message("AAAAAA", 1), message("AAAAAA", 2));
    sent.forEach(this::publish);

    for (Inbox inbox : inboxes) {
      assertThat(inbox.next(2)).containsExactlyElementsOf(sent);
    }
  }

  @Test
  void cancelledSubscriptionHearsNothingMore() {
    Inbox cancelled = new Inbox();
    RoomBus.Subscription subscription = await(bus.subscribe("AAAAAA", cancelled));
    Inbox kept = subscribe("AAAAAA");
    publish(message("AAAAAA", 1));
    assertThat(cancelled.next()).isEqualTo(message("AAAAAA", 1));

    await(subscription.cancel());
    publish(message("AAAAAA", 2));
    publish(sentinel("AAAAAA"));

    assertThat(kept.next(3))
        .containsExactly(message("AAAAAA", 1), message("AAAAAA", 2), sentinel("AAAAAA"));
    assertThat(cancelled.drained()).isEmpty();
  }

  @Test
  void cancellingTheLastSubscriptionLetsTheSessionBeSubscribedAgain() {
    RoomBus.Subscription first = await(bus.subscribe("AAAAAA", new Inbox()));
    await(first.cancel());
    Inbox again = subscribe("AAAAAA");
    publish(message("AAAAAA", 1));

    assertThat(again.next()).isEqualTo(message("AAAAAA", 1));
  }

  @Test
  void failingListenerDoesNotKeepTheEventFromTheOthers() {
    Inbox before = subscribe("AAAAAA");
    await(
        bus.subscribe(
            "AAAAAA",
            e -> {
              throw new IllegalStateException("listener broke");
            }));
    Inbox after = subscribe("AAAAAA");

    publish(message("AAAAAA", 1));
    publish(message("AAAAAA", 2));

    assertThat(before.next(2)).containsExactly(message("AAAAAA", 1), message("AAAAAA", 2));
    assertThat(after.next(2)).containsExactly(message("AAAAAA", 1), message("AAAAAA", 2));
  }

  @Test
  void subscriberDoesNotGetEventsPublishedBeforeItSubscribed() {
    Inbox early = subscribe("AAAAAA");
    publish(message("AAAAAA", 1));
    assertThat(early.next()).isEqualTo(message("AAAAAA", 1));

    Inbox late = subscribe("AAAAAA");
    publish(message("AAAAAA", 2));

    assertThat(late.next()).isEqualTo(message("AAAAAA", 2));
    assertThat(late.drained()).isEmpty();
  }

  @Test
  void publishingToASessionNobodyHearsSucceeds() {
    publish(message("ZZZZZZ", 1));
  }
}
