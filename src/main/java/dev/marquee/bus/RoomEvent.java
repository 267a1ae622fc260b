package dev.marquee.bus;

import dev.marquee.history.StoredMessage;
import java.time.Instant;

/** Something every member of a session must hear about, on every instance. */
public sealed interface RoomEvent {
  String session();

  /** An accepted message. {@code publishedNanos} is {@link System#nanoTime()} at publication. */
  record Message(StoredMessage message, long publishedNanos) implements RoomEvent {
    @Override
    public String session() {
      return message.session();
    }
  }

  /**
   * A member joined, left, went idle or came back. {@code reason} says why a {@code leave} happened
   * ({@code left}, {@code closed}, {@code idle}, {@code kicked}); sockets of a member removed as
   * idle are closed by whoever holds them.
   */
  record Presence(
      String session,
      String event,
      String clientId,
      String name,
      String role,
      int controllers,
      int displays,
      String reason)
      implements RoomEvent {}

  /** The session will end for inactivity at {@code endsAt} unless someone sends a message. */
  record Warning(String session, Instant endsAt, long endsInMs) implements RoomEvent {}

  /** The session is over; members are told why and disconnected. */
  record Ended(String session, String reason) implements RoomEvent {}

  /** The owner locked the session (no new controllers) or unlocked it. */
  record Locked(String session, boolean locked) implements RoomEvent {}

  /**
   * The owner kicked {@code clientId}: whoever holds its sockets closes them with 4502. Members see
   * the {@code leave} (reason {@code kicked}) as a presence event.
   */
  record Kicked(String session, String clientId) implements RoomEvent {}
}
