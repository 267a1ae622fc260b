package dev.marquee.session;

import java.time.Instant;

/**
 * A session as the engine holds it. {@code warnedFor} is the {@code lastActivityAt} an inactivity
 * warning was last sent for, so each quiet period is warned about once.
 */
public record SessionState(
    String code,
    String title,
    Instant createdAt,
    Instant expiresAt,
    Instant lastActivityAt,
    long lastSeq,
    String epoch,
    Instant endedAt,
    EndReason endReason,
    Instant warnedFor) {

  public boolean ended() {
    return endedAt != null;
  }

  public SessionState withMessage(long seq, Instant at) {
    return new SessionState(
        code, title, createdAt, expiresAt, at, seq, epoch, endedAt, endReason, warnedFor);
  }

  public SessionState withEnd(Instant at, EndReason reason) {
    return new SessionState(
        code, title, createdAt, expiresAt, lastActivityAt, lastSeq, epoch, at, reason, warnedFor);
  }

  public SessionState withWarned(Instant activity) {
    return new SessionState(
        code,
        title,
        createdAt,
        expiresAt,
        lastActivityAt,
        lastSeq,
        epoch,
        endedAt,
        endReason,
        activity);
  }

  public SessionState withEpoch(String newEpoch) {
    return new SessionState(
        code,
        title,
        createdAt,
        expiresAt,
        lastActivityAt,
        lastSeq,
        newEpoch,
        endedAt,
        endReason,
        warnedFor);
  }
}
