package dev.marquee.messaging;

import dev.marquee.bus.RoomEvent;
import java.util.List;

/**
 * What a joined member does with a room event: most are written as they are; being kicked, the
 * session ending, and its own idle leave also close the socket, and its own presence events keep
 * its {@link MemberPresence} in step (its own arrival is not echoed: {@code joined} had the
 * counts).
 */
final class MemberEvents {
  private MemberEvents() {}

  static void deliver(
      Connection c,
      MemberPresence presence,
      RoomEvent event,
      Frames.Encoded frame,
      List<SocketWriter> unflushed) {
    if (event instanceof RoomEvent.Kicked k) {
      if (c.clientId().equals(k.clientId())) {
        c.rt().metrics().clientError("kicked");
        c.write(frame, null);
        // Usually the kicker removed the member already; this covers a socket that entered
        // presence meanwhile.
        presence.leave("kicked");
        c.close(CloseCodes.KICKED, "kicked");
      }
      return;
    }
    if (event instanceof RoomEvent.Presence p && c.clientId().equals(p.clientId())) {
      if ("idle".equals(p.event())) {
        presence.markedIdle();
      }
      if ("join".equals(p.event())) {
        return; // its own arrival: the joiner already has the counts in `joined`
      }
      if ("leave".equals(p.event()) && "idle".equals(p.reason())) {
        c.write(frame, unflushed);
        presence.forget();
        c.close(CloseCodes.NORMAL, "idle");
        return;
      }
    }
    c.write(frame, unflushed);
    if (event instanceof RoomEvent.Ended) {
      presence.forget();
      c.close(CloseCodes.SESSION_ENDED, "session ended");
    }
  }
}
