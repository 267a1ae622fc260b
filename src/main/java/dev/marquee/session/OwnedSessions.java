package dev.marquee.session;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A signed-in user's sessions, as {@code GET /api/me/sessions} lists them (docs/auth.md). */
public final class OwnedSessions {

  /** A session as its owner lists it: the state as known now, and whether it is live. */
  public record Owned(SessionState session, boolean live) {}

  /** One page of a user's sessions, newest first; {@code hasMore} if a next page has any. */
  public record OwnedPage(List<Owned> sessions, boolean hasMore) {}

  private final SessionService sessions;
  private final SessionRecords records;

  public OwnedSessions(SessionService sessions, SessionRecords records) {
    this.sessions = sessions;
    this.records = records;
  }

  /**
   * The sessions {@code owner} created, newest first. An ended session shows its ending even before
   * PostgreSQL recorded it; {@code live} is what the engine says now.
   */
  public Future<OwnedPage> page(UUID owner, int page, int limit) {
    long offset = (long) (page - 1) * limit;
    return records
        .owned(owner, limit + 1, offset)
        .compose(
            rows -> {
              boolean hasMore = rows.size() > limit;
              List<SessionState> shown = hasMore ? rows.subList(0, limit) : rows;
              List<Future<Owned>> views = new ArrayList<>();
              for (SessionState recorded : shown) {
                views.add(
                    recorded.ended()
                        ? Future.succeededFuture(new Owned(recorded, false))
                        : now(recorded));
              }
              return Future.all(views).map(all -> new OwnedPage(all.<Owned>list(), hasMore));
            });
  }

  /** A session PostgreSQL has as not ended, as the engine knows it now. */
  private Future<Owned> now(SessionState recorded) {
    return sessions
        .findLive(recorded.code())
        .map(
            live ->
                live.isPresent()
                    ? new Owned(live.get(), true)
                    : new Owned(
                        sessions.endedNotRecorded(recorded.code()).orElse(recorded), false));
  }
}
