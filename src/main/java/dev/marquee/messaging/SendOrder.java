package dev.marquee.messaging;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The order of one socket's sends: each is accepted (and numbered) after the previous one, and its
 * ack completes no sooner than the previous one's, whatever order the stores complete in. Used on
 * the socket's event loop only.
 */
final class SendOrder {
  private Future<?> sendTail = Future.succeededFuture();
  private Future<?> ackTail = Future.succeededFuture();

  /**
   * Runs {@code step} after the previous one completed, so one sender's messages are accepted in
   * the order it sent them, whatever the intake's concurrency.
   */
  <T> Future<T> accept(Supplier<Future<T>> step) {
    Future<T> next = sendTail.transform(ignored -> step.get());
    sendTail = next;
    return next;
  }

  /**
   * {@code stored}, completing no sooner than the previous send's: called as each send frame is
   * read, so acks keep the order of the sends although their stores complete on other threads, in
   * any order.
   */
  <T> Future<T> ack(Future<T> stored) {
    Future<T> next = ackTail.transform(ignored -> stored);
    ackTail = next;
    return next;
  }
}
