package dev.marquee.messaging;

import dev.marquee.bus.RoomEvent;
import dev.marquee.presence.PresenceRegistry;

/** Publishes presence changes to the room, so every member on every instance hears them. */
public final class Announce {
  private Announce() {}

  public static void presence(Realtime rt, PresenceRegistry.Change change) {
    if (change.kind() == PresenceRegistry.Change.Kind.NONE) {
      return;
    }
    var member = change.member();
    rt.bus()
        .publish(
            new RoomEvent.Presence(
                change.session(),
                change.event(),
                member.clientId(),
                member.name(),
                member.role().wire(),
                change.counts().controller(),
                change.counts().display(),
                change.reason()));
  }
}
