package dev.marquee.loadgen;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * One session under load and its members on this side. Everything here is touched only on {@link
 * #ctx}, the event loop all its members live on.
 */
final class Session {
  final int index;
  final String code;
  final Context ctx;
  final List<Member> displays = new ArrayList<>();
  final List<Member> controllers = new ArrayList<>();

  /** Sends written by any controller of the session, and how many were acked or refused. */
  long sent;

  long acked;
  long refused;

  /** The highest seq acknowledged to any controller: every member must receive up to it. */
  long lastAckedSeq;

  Session(int index, String code, Context ctx) {
    this.index = index;
    this.code = code;
    this.ctx = ctx;
  }

  long unanswered() {
    return sent - acked - refused;
  }

  /** True when every send is answered and every checked member has every acked seq. */
  boolean settled() {
    if (unanswered() > 0) {
      return false;
    }
    for (Member m : displays) {
      if (m.open() && !m.check().hasAllUpTo(lastAckedSeq)) {
        return false;
      }
    }
    for (Member m : controllers) {
      if (m.checked() && m.open() && !m.check().hasAllUpTo(lastAckedSeq)) {
        return false;
      }
    }
    return true;
  }
}
