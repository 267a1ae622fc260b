package dev.marquee.bus;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.history.StoredMessage;
import dev.marquee.presence.Role;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 *
 * <p>A message's {@code publishedNanos} is a {@link System#nanoTime()} reading, meaningful in one
 * process only: a distributed bus rebuilds it from a wall-clock stamp. Events are therefore
 * compared without it, and its own test checks it is still good for the latency metric.
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

    /** The next event as published, publication time aside. */
    RoomEvent next() {
      return withoutTiming(nextAsHeard());
    }

    RoomEvent nextAsHeard() {
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

  static RoomEvent withoutTiming(RoomEvent event) {
    return event instanceof RoomEvent.Message m ? new RoomEvent.Message(m.message(), 0) : event;
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
        0);
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

  @Test
  void eventsPublishedWithoutWaitingStillArriveInPublishOrder() {
    Inbox inbox = subscribe("AAAAAA");
    List<RoomEvent> sent = new ArrayList<>();
    List<Future<Void>> published = new ArrayList<>();
    for (int seq = 1; seq <= 200; seq++) {
      sent.add(message("AAAAAA", seq));
      published.add(bus.publish(sent.get(sent.size() - 1)));
    }
    await(Future.all(published));

    assertThat(inbox.next(200)).containsExactlyElementsOf(sent);
  }

  @Test
  void aMessageKeepsItsPublicationTimeForTheLatencyMetric() {
    Inbox inbox = subscribe("AAAAAA");
    long before = System.nanoTime();
    RoomEvent.Message sent = (RoomEvent.Message) message("AAAAAA", 1);
    publish(new RoomEvent.Message(sent.message(), before));
    RoomEvent.Message heard = (RoomEvent.Message) inbox.nextAsHeard();
    long after = System.nanoTime();

    // Rebuilt from an epoch-millisecond stamp, it may read up to a millisecond early.
    assertThat(heard.publishedNanos()).isBetween(before - 2_000_000, after);
  }

  @Test
  void futuresCompleteOnTheCallersContext() {
    Vertx vertx = Vertx.vertx();
    try {
      Context caller = vertx.getOrCreateContext();
      Promise<List<Boolean>> seen = Promise.promise();
      caller.runOnContext(
          v -> {
            List<Boolean> onCaller = new ArrayList<>();
            bus.subscribe("AAAAAA", new Inbox())
                .compose(
                    s -> {
                      onCaller.add(Vertx.currentContext() == caller);
                      return bus.publish(message("AAAAAA", 1)).map(s);
                    })
                .compose(
                    s -> {
                      onCaller.add(Vertx.currentContext() == caller);
                      return s.cancel();
                    })
                .onComplete(
                    ar -> {
                      onCaller.add(Vertx.currentContext() == caller);
                      seen.handle(ar.map(onCaller));
                    });
          });

      assertThat(await(seen.future())).containsExactly(true, true, true);
    } finally {
      await(vertx.close());
    }
  }
}
