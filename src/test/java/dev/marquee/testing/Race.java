package dev.marquee.testing;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs the same body on several threads released together, so atomicity claims are tested under
 * real contention rather than by threads that happen to finish before the next one starts.
 */
public final class Race {
  private Race() {}

  /** Each thread's result, in thread order; the body receives its thread's index. */
  public static <T> List<T> run(int threads, IntFunction<T> body) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>(threads);
      for (int i = 0; i < threads; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return body.apply(index);
                }));
      }
      ready.await(10, SECONDS);
      go.countDown();
      List<T> results = new ArrayList<>(threads);
      for (Future<T> f : futures) {
        results.add(f.get(30, SECONDS));
      }
      return results;
    } catch (ExecutionException e) {
      throw new AssertionError("a racing thread failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("racing threads did not finish", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
