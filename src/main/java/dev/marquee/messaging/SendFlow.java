package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.presence.Role;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code send}: hands the message to the intake and answers the sender with {@code ack} once it
 * is stored, or an {@code error} with the same {@code ref}. Never silently dropped.
 *
 * <p>Acks leave in the order the sends arrived: each send's ack is chained behind the previous
 * one's when its frame is read, and written by a task queued on the socket's loop when the chain
 * reaches it (never run inline, where it could overtake a task queued before it). A refusal is
 * answered as soon as it is known, even while earlier messages wait to be stored.
 */
final class SendFlow {
  private static final Logger log = LoggerFactory.getLogger(SendFlow.class);

  private SendFlow() {}

  static void run(Connection c, ClientFrame.Send send) {
    Realtime rt = c.rt();
    if (c.role() != Role.CONTROLLER) {
      c.error("forbidden", "displays cannot send messages; join as a controller", send.ref(), 0);
      rt.analytics().messageRefused(c.session(), "forbidden");
      return;
    }
    MessageIntake.Submission submission =
        new MessageIntake.Submission(
            c.session(), c.clientId(), c.name(), c.role(), c.ipKey(), send.text());
    Future<MessageIntake.Admission> admitted =
        c.sendOrder().accept(() -> rt.intake().accept(submission));
    admitted.onComplete(ar -> c.queueOnLoop(() -> admitted(c, send, ar)));
    Future<Boolean> stored =
        admitted.transform(
            ar ->
                ar.succeeded() && ar.result() instanceof MessageIntake.Admission.Accepted a
                    ? a.stored().transform(s -> Future.succeededFuture(s.succeeded()))
                    : Future.succeededFuture((Boolean) null));
    c.sendOrder()
        .ack(stored)
        .onSuccess(
            ok -> {
              if (ok != null) {
                long seq = ((MessageIntake.Admission.Accepted) admitted.result()).message().seq();
                c.queueOnLoop(() -> stored(c, send, seq, ok));
              }
            });
  }

  private static void stored(Connection c, ClientFrame.Send send, long seq, boolean ok) {
    if (ok) {
      c.write(Frames.ack(send.ref(), seq));
    } else {
      c.error("unavailable", "the message was shown but could not be stored", send.ref(), 0);
    }
  }

  private static void admitted(
      Connection c, ClientFrame.Send send, AsyncResult<MessageIntake.Admission> admission) {
    Realtime rt = c.rt();
    if (admission.failed()) {
      if (MessageIntake.unconfirmed(admission.cause())) {
        failed(
            c,
            send,
            admission.cause(),
            "unconfirmed",
            "the store went away while saving this message: it may have been saved; check the"
                + " history before sending it again");
      } else {
        failed(
            c,
            send,
            admission.cause(),
            "unavailable",
            "the server cannot accept messages right now");
      }
      return;
    }
    if (admission.result() instanceof MessageIntake.Admission.Refused r) {
      if (r.limitedBy() != null) {
        rt.metrics().refused(r.limitedBy().wire());
        rt.analytics()
            .record(
                AnalyticsLog.RATE_LIMITED,
                c.session(),
                new JsonObject().put("kind", r.limitedBy().wire()));
      }
      rt.analytics().messageRefused(c.session(), r.code());
      c.error(r.code(), r.message(), send.ref(), r.retryAfterMs());
      return;
    }
    rt.metrics().messageAccepted();
    rt.analytics().record(AnalyticsLog.MESSAGE_SENT, c.session());
  }

  /**
   * The intake failed: the sender may retry in a second; {@code code} says whether it was saved.
   */
  private static void failed(
      Connection c, ClientFrame.Send send, Throwable cause, String code, String message) {
    log.warn(
        "message not accepted",
        kv("session", c.session()),
        kv("code", code),
        kv("reason", cause.getMessage()));
    c.error(code, message, send.ref(), 1_000);
    c.rt().analytics().messageRefused(c.session(), code);
  }
}
