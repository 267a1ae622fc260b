package dev.marquee.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.config.RedisUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared Redis client: a connection pool for commands and scripts, and dedicated connections
 * for pub/sub. Works the same on a standalone server, Sentinel and Cluster.
 */
public final class RedisStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

  private final Vertx vertx;
  private final RedisUrl url;
  private final RedisKeys keys;
  private final RedisCipher cipher;
  private final RedisOptions options;
  private final Redis client;
  private final ClusterLink link;
  private final List<Redis> subscribers;
  private final AtomicInteger nextSubscriber = new AtomicInteger();

  private RedisStore(Vertx vertx, RedisUrl url, String prefix, RedisCipher cipher) {
    this.cipher = cipher;
    this.vertx = vertx;
    this.url = url;
    this.keys = new RedisKeys(prefix);
    this.options = options(url);
    this.client = Redis.createClient(vertx, options);
    this.link = url.mode() == RedisUrl.Mode.CLUSTER ? new ClusterLink(client) : null;
    this.subscribers = subscriberClients(vertx, url, options);
  }

  /**
   * A cluster connection sends each SUBSCRIBE to a random node and UNSUBSCRIBE to all of them, so
   * subscriptions could not be tracked; on a cluster, subscribers hold a plain connection to one
   * node instead, which is enough because every node forwards every PUBLISH to every other.
   */
  private static List<Redis> subscriberClients(Vertx vertx, RedisUrl url, RedisOptions options) {
    if (url.mode() != RedisUrl.Mode.CLUSTER) {
      return List.of(Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(4)));
    }
    List<Redis> nodes = new ArrayList<>();
    for (String endpoint : url.endpoints()) {
      RedisOptions node =
          new RedisOptions(options)
              .setType(RedisClientType.STANDALONE)
              .setEndpoints(new ArrayList<>(List.of(endpoint)))
              .setMaxPoolSize(4);
      nodes.add(Redis.createClient(vertx, node));
    }
    return List.copyOf(nodes);
  }

  /** Creates the client; nothing is connected until the first command. */
  public static RedisStore create(Vertx vertx, RedisUrl url, String prefix) {
    return create(vertx, url, prefix, RedisCipher.none());
  }

  /** As {@link #create(Vertx, RedisUrl, String)}, sealing what users wrote with {@code cipher}. */
  public static RedisStore create(Vertx vertx, RedisUrl url, String prefix, RedisCipher cipher) {
    log.info("redis client", kv("url", url.redacted()), kv("prefix", prefix));
    return new RedisStore(vertx, url, prefix, cipher);
  }

  static RedisOptions options(RedisUrl url) {
    RedisOptions options =
        new RedisOptions()
            .setType(
                switch (url.mode()) {
                  case STANDALONE -> RedisClientType.STANDALONE;
                  case SENTINEL -> RedisClientType.SENTINEL;
                  case CLUSTER -> RedisClientType.CLUSTER;
                })
            .setEndpoints(url.endpoints())
            .setMaxPoolSize(16)
            .setMaxPoolWaiting(10_000)
            .setMaxWaitingHandlers(100_000)
            .setNetClientOptions(
                new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true));
    if (url.password() != null) {
      options.setPassword(url.password());
    }
    if (url.user() != null) {
      options.setUser(url.user());
    }
    if (url.mode() == RedisUrl.Mode.SENTINEL) {
      options.setMasterName(url.masterName()).setRole(RedisRole.MASTER);
    }
    return options;
  }

  /** Seals and opens what users wrote (message text, names, titles) on its way in and out. */
  public RedisCipher cipher() {
    return cipher;
  }

  public RedisKeys keys() {
    return keys;
  }

  public RedisUrl url() {
    return url;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Sends one command on a pooled connection (on a cluster, over the {@link ClusterLink}). */
  public Future<Response> send(Command command, Object... args) {
    return send(Request.cmd(command, args));
  }

  private Future<Response> send(Request request) {
    return link == null ? client.send(request) : link.send(request);
  }

  /** Sends several commands in one go; on a cluster their keys must share a slot. */
  public Future<List<Response>> batch(List<Request> requests) {
    return link == null ? client.batch(requests) : link.batch(requests);
  }

  /**
   * Runs a script by its SHA-1, loading it with {@code EVAL} the first time a server has not seen
   * it (a restarted or failed-over Redis forgets scripts).
   */
  public Future<Response> eval(RedisScript script, List<String> keys, List<String> args) {
    Object[] evalsha = argv(script.sha1(), keys, args);
    return send(Request.cmd(Command.EVALSHA, evalsha))
        .recover(
            e -> {
              if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                return send(Request.cmd(Command.EVAL, argv(script.source(), keys, args)));
              }
              return Future.failedFuture(e);
            });
  }

  private static Object[] argv(String head, List<String> keys, List<String> args) {
    Object[] out = new Object[2 + keys.size() + args.size()];
    out[0] = head;
    out[1] = keys.size();
    int i = 2;
    for (String k : keys) {
      out[i++] = k;
    }
    for (String a : args) {
      out[i++] = a;
    }
    return out;
  }

  /**
   * A connection of its own, for subscribing; the caller closes it. On a cluster it is a plain
   * connection to one of the nodes {@code REDIS_URL} names, tried in turn (nodes discovered later
   * are not used for it).
   */
  public Future<RedisConnection> connectDedicated() {
    return connectDedicated(Math.floorMod(nextSubscriber.getAndIncrement(), subscribers.size()), 1);
  }

  private Future<RedisConnection> connectDedicated(int index, int attempt) {
    return subscribers
        .get(index)
        .connect()
        .recover(
            e ->
                attempt < subscribers.size()
                    ? connectDedicated((index + 1) % subscribers.size(), attempt + 1)
                    : Future.failedFuture(e));
  }

  /** Succeeds when Redis answers PING within {@code timeout}. */
  public Future<Void> ping(Duration timeout) {
    return send(Command.PING).<Void>mapEmpty().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    if (link != null) {
      closed.add(link.close().recover(e -> Future.succeededFuture()));
    }
    closed.add(client.close());
    subscribers.forEach(s -> closed.add(s.close()));
    return Future.join(closed).mapEmpty();
  }
}
