package dev.marquee.messaging;

import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The members of one session on one event loop. Subscribes to the room bus once for all of them,
 * encodes each event once, and writes it to every member; all state is confined to its event loop.
 *
 * <p>Events arrive in an inbox and are written in batches: one task on the loop takes every event
 * queued so far, writes each to every member without flushing, then flushes each member once. An
 * idle loop runs the task at once, so a lone event goes out as before; a busy one (a burst of
 * joins, a high message rate) finds several events queued and sends each member's share in one
 * syscall instead of one per event. Order is kept: one queue, drained by one thread.
 */
final class LocalRoom implements Consumer<RoomEvent> {
  static final String KICKED_MESSAGE = "the session's owner removed you from the session";
  private final String session;
  private final Context context;
  private final Realtime rt;
  private final Set<Connection> members = new LinkedHashSet<>();
  private final Future<RoomBus.Subscription> subscription;
  private final Queue<RoomEvent> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final List<SocketWriter> unflushed = new ArrayList<>();

  LocalRoom(String session, Context context, Realtime rt) {
    this.session = session;
    this.context = context;
    this.rt = rt;
    this.subscription = rt.bus().subscribe(session, this);
  }

  /** Completes once events published from now on reach this room. */
  Future<RoomBus.Subscription> ready() {
    return subscription;
  }

  void add(Connection member) {
    members.add(member);
  }

  /** Removes the member; true when the room is empty and has been closed. */
  boolean remove(Connection member) {
    members.remove(member);
    if (members.isEmpty()) {
      subscription.onSuccess(RoomBus.Subscription::cancel);
      return true;
    }
    return false;
  }

  String session() {
    return session;
  }

  @Override
  public void accept(RoomEvent event) {
    inbox.add(event);
    if (draining.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  private void drain() {
    draining.set(false);
    RoomEvent event;
    while ((event = inbox.poll()) != null) {
      deliver(event);
    }
    for (SocketWriter w : unflushed) {
      w.flush();
    }
    unflushed.clear();
  }

  private void deliver(RoomEvent event) {
    if (members.isEmpty()) {
      return;
    }
    if (event instanceof RoomEvent.Message m) {
      Frames.Encoded frame = Frames.encoded(Frames.message(m.message()));
      int written = 0;
      for (Connection c : members) {
        if (c.deliverMessage(m, frame, unflushed)) {
          written++;
        }
      }
      if (written > 0) {
        rt.metrics().delivered(written, m.publishedNanos());
      }
      return;
    }
    Frames.Encoded frame = Frames.encoded(encode(event));
    List<Connection> snapshot = new ArrayList<>(members);
    for (Connection c : snapshot) {
      c.deliverEvent(event, frame, unflushed);
    }
  }

  static String encode(RoomEvent event) {
    if (event instanceof RoomEvent.Message m) {
      return Frames.message(m.message());
    }
    if (event instanceof RoomEvent.Presence p) {
      return Frames.presence(p);
    }
    if (event instanceof RoomEvent.Warning w) {
      return Frames.warning(w.endsAt(), w.endsInMs());
    }
    if (event instanceof RoomEvent.Locked l) {
      return Frames.lock(l.locked());
    }
    if (event instanceof RoomEvent.Kicked) {
      return Frames.error("kicked", KICKED_MESSAGE, null, 0); // for the kicked member only
    }
    return Frames.ended(((RoomEvent.Ended) event).reason());
  }
}
