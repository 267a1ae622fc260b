package dev.marquee.presence;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;

/** Publishes presence changes to the room, so every member on every instance hears them. */
public final class PresenceEvents {
  private PresenceEvents() {}

  /**
   * Records a member's arrival or departure as an analytics event; being marked idle or active
   * again, or a change that changed nothing (a repeated join), is not one.
   */
  public static void record(AnalyticsLog analytics, PresenceRegistry.Change change) {
    if (change.kind() == PresenceRegistry.Change.Kind.JOIN) {
      analytics.memberJoined(change.session(), change.member().role().wire());
    } else if (change.kind() == PresenceRegistry.Change.Kind.LEAVE) {
      analytics.memberLeft(change.session(), change.member().role().wire(), change.reason());
    }
  }

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
