package dev.marquee.bus;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.RedisUrl;
import dev.marquee.store.RedisKeys;
import dev.marquee.store.RedisScript;
import dev.marquee.store.RedisStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out over Redis pub/sub ({@code P:room:{CODE}}), for instances sharing one Redis. Pick it
 * whenever {@code REDIS_URL} is set.
 *
 * <p>One dedicated subscriber connection per bus ({@link SubscriberLink}); a session's channel is
 * subscribed while this process has a listener for it. Events are decoded once and handed to
 * listeners on that connection's event loop, in the order Redis delivers them. Publishes go over
 * the pooled client one at a time per session, since two in flight on different pooled connections
 * could overtake each other; on a cluster they go through a one-line script keyed by the session,
 * so that all of a session's events leave from the node owning its slot (see room-publish.lua).
 *
 * <p>Outage: when the subscriber connection drops, or stops answering the heartbeat, the bus
 * reconnects with back-off (100 ms doubling to 2 s) and subscribes again to every channel that
 * still has listeners; {@link #healthy()} is false until Redis confirmed that. Events published
 * meanwhile are lost for this instance (pub/sub keeps nothing): its clients see a gap in seqs,
 * which the join/replay logic fills when they rejoin. A subscribe made during an outage completes
 * once the channel is subscribed again, or fails after the subscribe timeout (5 s); publishes fail
 * while Redis is unreachable.
 */
final class RedisRoomBus implements RoomBus {
  private static final Logger log = LoggerFactory.getLogger(RedisRoomBus.class);

  /** How patient the bus is; tests shorten them. */
  record Timings(
      long minBackoffMs,
      long maxBackoffMs,
      long connectTimeoutMs,
      long subscribeTimeoutMs,
      long probeEveryMs,
      long probeTimeoutMs) {
    static final Timings DEFAULT = new Timings(100, 2_000, 5_000, 5_000, 2_000, 5_000);
  }

  private static final RedisScript PUBLISH = RedisScript.load("room-publish");

  private final RedisStore store;
  private final boolean cluster;
  private final RedisKeys keys;
  private final Vertx vertx;
  private final Context context;
  private final Timings timings;
  private final SubscriberLink link;
  private volatile Runnable gap = () -> {};
  private final ConcurrentHashMap<String, Future<Void>> lastPublish = new ConcurrentHashMap<>();
  // Confined to the context.
  private final Map<String, RoomListeners> rooms = new HashMap<>();

  RedisRoomBus(RedisStore store, Timings timings) {
    this.store = store;
    this.cluster = store.url().mode() == RedisUrl.Mode.CLUSTER;
    this.keys = store.keys();
    this.vertx = store.vertx();
    this.context = vertx.getOrCreateContext();
    this.timings = timings;
    this.link = new SubscriberLink(store, context, timings, keys.prefix() + ":bus:probe", this);
    onContext(context, link::start);
  }

  /** Connected, and every channel with listeners is subscribed on that connection. */
  @Override
  public boolean healthy() {
    return link.healthy();
  }

  /** Stops reconnecting, fails subscribes still pending and closes the subscriber connection. */
  @Override
  public Future<Void> close() {
    Context caller = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    onContext(
        context,
        () -> {
          rooms.values().forEach(r -> r.failAll(new IllegalStateException("the room bus closed")));
          rooms.clear();
          link.close().onComplete(ar -> reply(caller, done, ar));
        });
    return done.future();
  }

  @Override
  public Future<Subscription> subscribe(String session, Consumer<RoomEvent> listener) {
    Context caller = Vertx.currentContext();
    Promise<Subscription> done = Promise.promise();
    String channel = keys.room(session);
    RoomListeners.Entry entry = new RoomListeners.Entry(listener);
    Subscription subscription = () -> cancel(channel, entry);
    onContext(
        context,
        () -> {
          if (link.closed()) {
            reply(caller, done, Future.failedFuture("the room bus is closed"));
            return;
          }
          RoomListeners room = rooms.get(channel);
          boolean fresh = room == null;
          if (fresh) {
            room = new RoomListeners(session, vertx);
            rooms.put(channel, room);
          }
          room.add(entry);
          if (room.confirmed()) {
            reply(caller, done, Future.succeededFuture(subscription));
            return;
          }
          long timer =
              vertx.setTimer(timings.subscribeTimeoutMs(), id -> subscribeTimedOut(channel, entry));
          room.await(entry, timer, ar -> reply(caller, done, ar.map(v -> subscription)));
          if (fresh) {
            link.subscribe(List.of(channel));
          }
        });
    return done.future();
  }

  private Future<Void> cancel(String channel, RoomListeners.Entry entry) {
    Context caller = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    onContext(
        context,
        () -> {
          remove(channel, entry);
          reply(caller, done, Future.succeededFuture());
        });
    return done.future();
  }

  private void subscribeTimedOut(String channel, RoomListeners.Entry entry) {
    RoomListeners room = rooms.get(channel);
    String why =
        "Redis did not confirm SUBSCRIBE " + channel + " within " + timings.subscribeTimeoutMs();
    if (room != null && room.fail(entry, new TimeoutException(why + " ms"))) {
      log.warn("room subscribe timed out", kv("session", room.session()));
      remove(channel, entry);
    }
  }

  private void remove(String channel, RoomListeners.Entry entry) {
    RoomListeners room = rooms.get(channel);
    if (room != null && room.remove(entry) && room.isEmpty()) {
      rooms.remove(channel);
      link.unsubscribe(channel);
    }
  }

  @Override
  public Future<Void> publish(RoomEvent event) {
    Context caller = Vertx.currentContext();
    String channel = keys.room(event.session());
    String payload = RoomEventJson.encode(event, System.currentTimeMillis(), store.cipher());
    Promise<Void> done = Promise.promise();
    Future<Void> previous = lastPublish.put(channel, done.future());
    Future<Void> turn = previous == null ? Future.succeededFuture() : previous.otherwiseEmpty();
    turn.onComplete(
        v ->
            send(event.session(), channel, payload)
                .onComplete(
                    ar -> {
                      lastPublish.remove(channel, done.future());
                      reply(caller, done, ar);
                    }));
    return done.future();
  }

  private Future<Void> send(String session, String channel, String payload) {
    Future<?> sent =
        cluster
            ? store.eval(PUBLISH, List.of(keys.session(session)), List.of(channel, payload))
            : store.send(Command.PUBLISH, channel, payload);
    return sent.mapEmpty();
  }

  // Called by the link, on the context.

  Set<String> channels() {
    return new HashSet<>(rooms.keySet());
  }

  void confirmed(String channel) {
    RoomListeners room = rooms.get(channel);
    if (room != null) {
      room.confirm();
    }
  }

  void disconnected() {
    rooms.values().forEach(RoomListeners::unconfirm);
  }

  /** The link is back after a loss: events published meanwhile never reached the listeners. */
  void reconnected() {
    gap.run();
  }

  @Override
  public void onGap(Runnable gap) {
    this.gap = gap;
  }

  void heard(String channel, String payload) {
    RoomListeners room = rooms.get(channel);
    // Until Redis confirms a room's SUBSCRIBE, what arrives on the channel is left over from an
    // earlier subscription: events published before these listeners subscribed.
    if (room == null || !room.confirmed()) {
      return;
    }
    RoomEvent event;
    try {
      long now = System.currentTimeMillis();
      event = RoomEventJson.decode(room.session(), payload, now, System.nanoTime(), store.cipher());
    } catch (IllegalArgumentException e) {
      log.warn(
          "room event undecodable", kv("session", room.session()), kv("reason", e.getMessage()));
      return;
    }
    room.deliver(event);
  }

  static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Completes on the caller's context, as the memory bus does, so callers stay confined. */
  private static <T> void reply(Context caller, Promise<T> promise, AsyncResult<T> result) {
    if (caller == null || Vertx.currentContext() == caller) {
      promise.handle(result);
    } else {
      caller.runOnContext(v -> promise.handle(result));
    }
  }
}
