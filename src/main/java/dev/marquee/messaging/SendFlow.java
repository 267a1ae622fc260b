package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.presence.Role;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code send}: hands the message to the intake and answers the sender with {@code ack} once it
 * is stored, or an {@code error} with the same {@code ref}. Never silently dropped.
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
    c.inOrder(() -> rt.intake().accept(submission))
        .onComplete(
            ar ->
                c.onLoop(
                    () -> {
                      if (ar.failed()) {
                        log.warn(
                            "message not accepted",
                            kv("session", c.session()),
                            kv("reason", ar.cause().getMessage()));
                        c.error(
                            "unavailable",
                            "the server cannot accept messages right now",
                            send.ref(),
                            1_000);
                        rt.analytics().messageRefused(c.session(), "unavailable");
                        return;
                      }
                      if (ar.result() instanceof MessageIntake.Admission.Refused r) {
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
                      var accepted = (MessageIntake.Admission.Accepted) ar.result();
                      rt.metrics().messageAccepted();
                      rt.analytics().record(AnalyticsLog.MESSAGE_SENT, c.session());
                      long seq = accepted.message().seq();
                      c.afterPreviousAck(accepted.stored())
                          .onComplete(
                              stored ->
                                  c.onLoop(
                                      () -> {
                                        if (stored.succeeded()) {
                                          c.write(Frames.ack(send.ref(), seq));
                                        } else {
                                          c.error(
                                              "unavailable",
                                              "the message was shown but could not be stored",
                                              send.ref(),
                                              0);
                                        }
                                      }));
                    }));
  }
}
