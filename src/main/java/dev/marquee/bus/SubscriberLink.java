package dev.marquee.bus;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.store.RedisStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's one subscriber connection: keeps it up, subscribes again after a reconnect, and matches
 * Redis's confirmations to the (UN)SUBSCRIBEs that asked for them. Confined to the bus's context.
 *
 * <p>The Vert.x client completes a SUBSCRIBE's future once the command is written, not when Redis
 * has subscribed, so confirmations are counted here: a channel is subscribed when the last push
 * expected for it is a {@code subscribe}. Only pub/sub commands ever go on this connection: the
 * client pairs other replies with requests in a way that a push arriving meanwhile would upset. The
 * heartbeat is therefore an UNSUBSCRIBE of a channel nobody publishes to, whose confirmation proves
 * the connection alive even when the network drops it silently.
 */
final class SubscriberLink {
  private static final Logger log = LoggerFactory.getLogger(SubscriberLink.class);

  private final RedisStore store;
  private final Context context;
  private final Vertx vertx;
  private final RedisRoomBus.Timings timings;
  private final String probeChannel;
  private final RedisRoomBus bus;

  private final Map<String, Integer> pushesExpected = new HashMap<>();
  private final Set<String> resubscribing = new HashSet<>();
  private RedisConnection connection;
  private Future<RedisConnection> attempt;
  private long backoffMs;
  private long probeSentAt = -1;
  private long heartbeat = -1;
  private boolean failing;
  private boolean closed;
  private volatile boolean healthy;

  SubscriberLink(
      RedisStore store,
      Context context,
      RedisRoomBus.Timings timings,
      String probeChannel,
      RedisRoomBus bus) {
    this.store = store;
    this.context = context;
    this.vertx = context.owner();
    this.timings = timings;
    this.probeChannel = probeChannel;
    this.bus = bus;
  }

  void start() {
    heartbeat = vertx.setPeriodic(timings.probeEveryMs(), id -> probe());
    connect();
  }

  boolean healthy() {
    return healthy;
  }

  boolean closed() {
    return closed;
  }

  void subscribe(Collection<String> channels) {
    if (connection != null) {
      send(connection, Command.SUBSCRIBE, channels);
    }
  }

  void unsubscribe(String channel) {
    if (resubscribing.remove(channel)) {
      healthy = connection != null && resubscribing.isEmpty();
    }
    if (connection != null) {
      send(connection, Command.UNSUBSCRIBE, List.of(channel));
    }
  }

  Future<Void> close() {
    closed = true;
    healthy = false;
    vertx.cancelTimer(heartbeat);
    attempt = null;
    RedisConnection open = connection;
    connection = null;
    return open == null ? Future.succeededFuture() : open.close();
  }

  private void connect() {
    if (closed || connection != null || attempt != null) {
      return;
    }
    // Called on the context, so the connection's handlers run on it too.
    Future<RedisConnection> tried = store.connectDedicated();
    attempt = tried;
    long timer =
        vertx.setTimer(
            timings.connectTimeoutMs(),
            id -> {
              if (attempt == tried) {
                attempt = null;
                retry(new TimeoutException("no connection within " + timings.connectTimeoutMs()));
              }
            });
    tried.onComplete(
        ar ->
            RedisRoomBus.onContext(
                context,
                () -> {
                  vertx.cancelTimer(timer);
                  if (attempt != tried) {
                    if (ar.succeeded()) {
                      ar.result().close();
                    }
                  } else if (ar.succeeded()) {
                    attempt = null;
                    connected(ar.result());
                  } else {
                    attempt = null;
                    retry(ar.cause());
                  }
                }));
  }

  private void connected(RedisConnection open) {
    connection = open;
    open.handler(r -> RedisRoomBus.onContext(context, () -> pushed(open, r)));
    open.exceptionHandler(e -> RedisRoomBus.onContext(context, () -> lost(open, e)));
    open.endHandler(v -> RedisRoomBus.onContext(context, () -> lost(open, null)));
    pushesExpected.clear();
    // The probe goes first: it marks the connection as pub/sub, so closing it really closes it
    // instead of handing a possibly dead socket back to the pool.
    probeSentAt = System.nanoTime();
    send(open, Command.UNSUBSCRIBE, List.of(probeChannel));
    Set<String> channels = bus.channels();
    resubscribing.clear();
    resubscribing.addAll(channels);
    if (!channels.isEmpty()) {
      send(open, Command.SUBSCRIBE, channels);
    }
    healthy = channels.isEmpty();
    backoffMs = 0;
    if (failing) {
      failing = false;
      log.info("room bus reconnected", kv("channels", channels.size()));
      bus.reconnected();
    }
  }

  private void pushed(RedisConnection from, Response push) {
    if (from != connection || push == null) {
      return;
    }
    if (push.type() == ResponseType.ERROR) {
      // Confirmations can no longer be counted; start over on a fresh connection.
      lost(from, new IllegalStateException(push.toString()));
      return;
    }
    if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    String channel = push.get(1).toString();
    switch (kind) {
      case "message" -> bus.heard(channel, push.get(2).toString());
      case "subscribe" -> {
        if (settled(channel)) {
          // Healthy first: confirming completes subscribes, whose callers may look at it.
          if (resubscribing.remove(channel)) {
            healthy = resubscribing.isEmpty();
          }
          bus.confirmed(channel);
        }
      }
      case "unsubscribe" -> {
        if (channel.equals(probeChannel)) {
          probeSentAt = -1;
        } else {
          settled(channel);
        }
      }
      default -> {}
    }
  }

  /** Counts one push for the channel; true when it was the last one asked for. */
  private boolean settled(String channel) {
    Integer expected = pushesExpected.get(channel);
    if (expected == null) {
      return false;
    }
    if (expected > 1) {
      pushesExpected.put(channel, expected - 1);
      return false;
    }
    pushesExpected.remove(channel);
    return true;
  }

  private void probe() {
    if (connection == null) {
      return;
    }
    if (probeSentAt < 0) {
      probeSentAt = System.nanoTime();
      send(connection, Command.UNSUBSCRIBE, List.of(probeChannel));
    } else if (System.nanoTime() - probeSentAt
        > TimeUnit.MILLISECONDS.toNanos(timings.probeTimeoutMs())) {
      lost(connection, new TimeoutException("no heartbeat answer"));
    }
  }

  private void send(RedisConnection on, Command command, Collection<String> channels) {
    Request request = Request.cmd(command);
    for (String channel : channels) {
      request.arg(channel);
      if (!channel.equals(probeChannel)) {
        pushesExpected.merge(channel, 1, Integer::sum);
      }
    }
    on.send(request).onFailure(e -> RedisRoomBus.onContext(context, () -> lost(on, e)));
  }

  private void lost(RedisConnection which, Throwable cause) {
    if (which != connection) {
      return;
    }
    connection = null;
    healthy = false;
    probeSentAt = -1;
    pushesExpected.clear();
    resubscribing.clear();
    bus.disconnected();
    which.close();
    failing = true;
    log.warn(
        "room bus lost its Redis connection; reconnecting",
        kv("reason", cause == null ? "closed" : String.valueOf(cause.getMessage())));
    retry(cause);
  }

  private void retry(Throwable cause) {
    if (closed) {
      return;
    }
    if (!failing) {
      failing = true;
      log.warn(
          "room bus cannot reach Redis; retrying",
          kv("reason", cause == null ? "closed" : String.valueOf(cause.getMessage())));
    }
    backoffMs =
        backoffMs == 0 ? timings.minBackoffMs() : Math.min(timings.maxBackoffMs(), backoffMs * 2);
    vertx.setTimer(backoffMs, id -> connect());
  }
}
