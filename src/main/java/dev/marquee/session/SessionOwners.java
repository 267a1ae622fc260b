package dev.marquee.session;

import dev.marquee.api.ApiException;
import dev.marquee.api.Audit;
import dev.marquee.api.Tokens;
import dev.marquee.profile.Profiles;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Who may act on a session as its owner: the holder of its owner token, an operator with {@code
 * ADMIN_TOKEN}, or (accounts on, docs/auth.md) the signed-in user who created it. Ownership is read
 * from the session's PostgreSQL record, never from the engine, so it holds the same on the memory
 * and Redis engines and on every instance.
 */
final class SessionOwners {
  private final SessionRecords records;
  private final Profiles profiles;
  private final Optional<String> adminToken;

  SessionOwners(SessionRecords records, Profiles profiles, Optional<String> adminToken) {
    this.records = records;
    this.profiles = profiles;
    this.adminToken = adminToken;
  }

  /**
   * The session's record if {@code bearer} may act as its owner. The tokens are tried in order
   * (owner token, admin token, JWT), so a JWT-shaped admin token still works as one. Fails with 401
   * without a bearer or with a JWT that does not verify, 404 for an unknown session, 403 for any
   * other token (someone else's JWT included).
   */
  Future<SessionRecords.SessionRecord> authorize(
      String code, Optional<String> bearer, String action) {
    return check(code, bearer)
        .onSuccess(owned -> Audit.owner(action, code, owned.actor()))
        .onFailure(
            e -> {
              if (e instanceof ApiException api && (api.status() == 401 || api.status() == 403)) {
                Audit.refused(action, code, api.status(), null);
              }
            })
        .map(Owned::record);
  }

  /** A session's record and who may act on it: {@code owner}, {@code admin} or {@code user}. */
  private record Owned(SessionRecords.SessionRecord record, String actor) {}

  private Future<Owned> check(String code, Optional<String> bearer) {
    if (bearer.isEmpty()) {
      return Future.failedFuture(
          new ApiException(
              401,
              "unauthorized",
              profiles.enabled()
                  ? "send the owner token or your JWT as Authorization: Bearer"
                  : "send the owner token as Authorization: Bearer"));
    }
    return records
        .find(code)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("no session " + code));
              }
              SessionRecords.SessionRecord record = found.get();
              if (Tokens.matches(bearer.get(), record.ownerTokenHash())) {
                return Future.succeededFuture(new Owned(record, "owner"));
              }
              if (Tokens.matches(bearer.get(), adminToken)) {
                return Future.succeededFuture(new Owned(record, "admin"));
              }
              if (profiles.enabled() && Profiles.isJwt(bearer.get())) {
                return profiles
                    .verify(bearer.get())
                    .compose(
                        user ->
                            user.id().equals(record.ownerProfileId())
                                ? Future.succeededFuture(new Owned(record, "user"))
                                : Future.failedFuture(
                                    new ApiException(
                                        403, "forbidden", "this session belongs to someone else")));
              }
              return Future.failedFuture(
                  new ApiException(403, "forbidden", "that token does not own this session"));
            });
  }
}
