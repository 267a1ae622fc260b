package dev.marquee.presence;

import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;

/** Publishes presence changes to the room, so every member on every instance hears them. */
public final class PresenceEvents {
  private PresenceEvents() {}

  /** Publishes {@code change} unless it is {@link PresenceRegistry.Change.Kind#NONE}. */
  public static void announce(RoomBus bus, PresenceRegistry.Change change) {
    if (change.kind() == PresenceRegistry.Change.Kind.NONE) {
      return;
    }
    var member = change.member();
    bus.publish(
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
