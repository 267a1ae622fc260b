package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;

/**
 * What the generator verified about deliveries: every send answered (ack or error), every
 * acknowledged seq received by every open member, once, in order.
 */
record Checks(
    long sent,
    long acked,
    long refused,
    long unanswered,
    long lost,
    long duplicates,
    long outOfOrder,
    long stale,
    long members) {

  static final Checks ZERO = new Checks(0, 0, 0, 0, 0, 0, 0, 0, 0);

  static Checks of(Session s) {
    long lost = 0;
    long dup = 0;
    long ooo = 0;
    long stale = 0;
    long members = 0;
    for (Member m : s.displays) {
      if (m.open()) {
        lost += m.check().missingUpTo(s.lastAckedSeq);
      }
      dup += m.check().duplicates();
      ooo += m.check().outOfOrder();
      stale += m.check().stale();
      members++;
    }
    for (Member m : s.controllers) {
      if (!m.checked()) {
        continue;
      }
      if (m.open()) {
        lost += m.check().missingUpTo(s.lastAckedSeq);
      }
      dup += m.check().duplicates();
      ooo += m.check().outOfOrder();
      stale += m.check().stale();
      members++;
    }
    return new Checks(
        s.sent, s.acked, s.refused, Math.max(0, s.unanswered()), lost, dup, ooo, stale, members);
  }

  Checks plus(Checks o) {
    return new Checks(
        sent + o.sent,
        acked + o.acked,
        refused + o.refused,
        unanswered + o.unanswered,
        lost + o.lost,
        duplicates + o.duplicates,
        outOfOrder + o.outOfOrder,
        stale + o.stale,
        members + o.members);
  }

  Checks minus(Checks o) {
    return new Checks(
        sent - o.sent,
        acked - o.acked,
        refused - o.refused,
        unanswered - o.unanswered,
        lost - o.lost,
        duplicates - o.duplicates,
        outOfOrder - o.outOfOrder,
        stale - o.stale,
        members);
  }

  /** Nothing lost, doubled, reordered, replayed unasked or left unanswered. */
  boolean clean() {
    return unanswered == 0 && lost == 0 && duplicates == 0 && outOfOrder == 0 && stale == 0;
  }

  JsonObject json() {
    return new JsonObject()
        .put("sent", sent)
        .put("acked", acked)
        .put("refused", refused)
        .put("unanswered", unanswered)
        .put("lost", lost)
        .put("duplicates", duplicates)
        .put("outOfOrder", outOfOrder)
        .put("stale", stale)
        .put("checkedMembers", members);
  }
}
