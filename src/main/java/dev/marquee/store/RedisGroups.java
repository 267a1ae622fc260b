package dev.marquee.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Work over many keys in groups, one group after another: a sweep over every session then never
 * queues more requests at once than the client's pool is built to wait for.
 */
public final class RedisGroups {
  /** A group size that keeps a pipeline or a burst of commands short. */
  public static final int SIZE = 256;

  private RedisGroups() {}

  /** {@code step}'s results for each group of {@code size} items, in the items' order. */
  public static <T, R> Future<List<R>> inGroups(
      List<T> items, int size, Function<List<T>, Future<List<R>>> step) {
    Future<List<R>> done = Future.succeededFuture(new ArrayList<>(items.size()));
    for (int from = 0; from < items.size(); from += size) {
      List<T> group = items.subList(from, Math.min(items.size(), from + size));
      done =
          done.compose(
              results ->
                  step.apply(group)
                      .map(
                          part -> {
                            results.addAll(part);
                            return results;
                          }));
    }
    return done;
  }

  /** Runs {@code each} on every item of a group at once; the answers in the group's order. */
  public static <T, R> Future<List<R>> all(List<T> group, Function<T, Future<R>> each) {
    List<Future<R>> started = new ArrayList<>(group.size());
    for (T item : group) {
      started.add(each.apply(item));
    }
    return Future.all(started)
        .map(
            all -> {
              List<R> out = new ArrayList<>(started.size());
              for (int i = 0; i < started.size(); i++) {
                out.add(all.<R>resultAt(i));
              }
              return out;
            });
  }
}
