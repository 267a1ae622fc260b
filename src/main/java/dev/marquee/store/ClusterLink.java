package dev.marquee.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Every command to a Redis Cluster over one cluster connection (a link to each master, shared and
 * pipelined), made again once it breaks.
 *
 * <p>Why not the client's own {@code send}: it takes a pooled connection to every master for each
 * command. Once a node has been away under traffic, those takes can deadlock across the nodes'
 * pools (commands holding one node's connections wait for another's, whose connections are held by
 * commands waiting for the first), and from then on no command of the client ever completes
 * (vertx-redis-client 5.0.7; ClusterNodeLossTest). Taking the connections once, for one link at a
 * time, leaves nothing to deadlock.
 *
 * <p>A link is dropped when one of its node connections ends or fails, or a command fails other
 * than with a Redis error reply; the next command connects again (one attempt at a time, shared by
 * every caller). While a node is away commands fail fast, as on any other Redis outage.
 */
final class ClusterLink {
  private final Redis client;
  private final AtomicReference<Future<RedisConnection>> current = new AtomicReference<>();
  private volatile boolean closed;

  ClusterLink(Redis client) {
    this.client = client;
  }

  Future<Response> send(Request request) {
    return use(c -> c.send(request));
  }

  Future<List<Response>> batch(List<Request> requests) {
    return use(c -> c.batch(requests));
  }

  Future<Void> close() {
    closed = true;
    Future<RedisConnection> link = current.getAndSet(null);
    return link == null || !link.succeeded() ? Future.succeededFuture() : link.result().close();
  }

  private <T> Future<T> use(Function<RedisConnection, Future<T>> command) {
    if (closed) {
      return Future.failedFuture("the Redis client is closed");
    }
    Future<RedisConnection> link = link();
    return link.compose(
        c ->
            command
                .apply(c)
                .onFailure(
                    e -> {
                      if (broken(e)) {
                        drop(link);
                      }
                    }));
  }

  private Future<RedisConnection> link() {
    while (true) {
      Future<RedisConnection> link = current.get();
      if (link != null && !link.failed()) {
        return link;
      }
      Promise<RedisConnection> connecting = Promise.promise();
      Future<RedisConnection> fresh = connecting.future();
      if (current.compareAndSet(link, fresh)) {
        client
            .connect()
            .onSuccess(
                c -> {
                  c.endHandler(v -> drop(fresh));
                  c.exceptionHandler(e -> drop(fresh));
                })
            .onComplete(connecting);
        return fresh;
      }
    }
  }

  private void drop(Future<RedisConnection> link) {
    if (current.compareAndSet(link, null) && link.succeeded()) {
      link.result().close();
    }
  }

  /** A Redis error reply says nothing about the link, except the client's own for a closed one. */
  private static boolean broken(Throwable e) {
    return !(e instanceof Response)
        || String.valueOf(e.getMessage()).startsWith("CONNECTION_CLOSED");
  }
}
