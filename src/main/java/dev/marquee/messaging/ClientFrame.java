package dev.marquee.messaging;

import dev.marquee.presence.Role;

/** A decoded, validated frame from a client. */
sealed interface ClientFrame {

  /** The {@code ref} to answer with, for the frames that carry one. */
  default String ref() {
    return null;
  }

  /** {@code lastSeq} is -1 when the client sent none; {@code clientId} and epoch may be null. */
  record Join(String session, Role role, String name, String clientId, long lastSeq, String epoch)
      implements ClientFrame {}

  record Send(String text, String ref) implements ClientFrame {}

  record Ping(String ref) implements ClientFrame {}

  record Leave() implements ClientFrame {}

  /**
   * The frame could not be accepted; answered with an {@code error} frame, socket kept open. {@code
   * send} when it was a {@code send} whose text was refused (a refused message, for analytics).
   */
  record Invalid(String code, String message, String ref, boolean send) implements ClientFrame {
    Invalid(String code, String message, String ref) {
      this(code, message, ref, false);
    }
  }
}
