package dev.marquee.profile;

import dev.marquee.api.ApiException;
import dev.marquee.config.Jwt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.Optional;

/**
 * Who a request comes from: a signed-in user (a valid JWT as {@code Authorization: Bearer}, see
 * docs/auth.md), whose profile is then created or renamed, or nobody. Off when neither {@code
 * JWT_SECRET} nor {@code JWT_JWKS_URL} is set: every request is anonymous, as it always was.
 *
 * <p>Failure policy: a JWT that does not verify fails with 401 {@code invalid_token}; signing keys
 * never fetched yet (JWKS down since start-up) fail with 503 {@code auth_unavailable}; a database
 * error writing the profile fails the request.
 */
public final class Profiles {
  private final JwtVerifier verifier;
  private final ProfileRecords records;

  private Profiles(JwtVerifier verifier, ProfileRecords records) {
    this.verifier = verifier;
    this.records = records;
  }

  /** Accounts off: every request is anonymous. */
  public static Profiles off() {
    return new Profiles(null, null);
  }

  /** Accounts as configured; off when {@code config} enables nothing. Call {@link #start()}. */
  public static Profiles create(Vertx vertx, Jwt config, Pool pool, Clock clock) {
    return config.enabled()
        ? new Profiles(new JwtVerifier(vertx, config), new ProfileRecords(pool, clock))
        : off();
  }

  public boolean enabled() {
    return verifier != null;
  }

  /** Begins fetching the JWKS, if one is configured; never waits for it. */
  public void start() {
    if (verifier != null) {
      verifier.start();
    }
  }

  public void close() {
    if (verifier != null) {
      verifier.close();
    }
  }

  /** Whether {@code bearer} is shaped like a JWT (so it is not an owner or admin token). */
  public static boolean isJwt(String bearer) {
    return JwtVerifier.looksLikeJwt(bearer);
  }

  /**
   * The signed-in user, their profile written. Empty when accounts are off or {@code bearer} is
   * absent or not a JWT (an owner token, say): such requests are anonymous, as before accounts.
   */
  public Future<Optional<Profile>> signedIn(Optional<String> bearer) {
    if (verifier == null || bearer.isEmpty() || !isJwt(bearer.get())) {
      return Future.succeededFuture(Optional.empty());
    }
    return verify(bearer.get()).map(Optional::of);
  }

  /**
   * The signed-in user, for endpoints that need one: 404 {@code auth_not_configured} when accounts
   * are off (no token could ever help), 401 without a JWT or with a bad one.
   */
  public Future<Profile> require(Optional<String> bearer) {
    if (verifier == null) {
      return Future.failedFuture(
          new ApiException(
              404,
              "auth_not_configured",
              "user accounts are off on this server: it has neither JWT_SECRET nor JWT_JWKS_URL"));
    }
    if (bearer.isEmpty()) {
      return Future.failedFuture(
          new ApiException(401, "unauthorized", "sign in: send your JWT as Authorization: Bearer"));
    }
    return verify(bearer.get());
  }

  /** The verified token's profile, written; 401 for any bad token, JWT-shaped or not. */
  public Future<Profile> verify(String token) {
    if (verifier == null) {
      return Future.failedFuture(new IllegalStateException("accounts are off"));
    }
    return verifier
        .verify(token)
        .compose(
            claims ->
                Profile.fromClaims(claims)
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new ApiException(
                                    401,
                                    "invalid_token",
                                    "the token's subject (sub) is not a user id (a UUID)"))))
        .compose(p -> records.upsert(p).map(p));
  }

  /**
   * Writes the profile again whatever this instance remembers: a session insert found it missing
   * (deleted since it was written).
   */
  public Future<Void> rewrite(Profile p) {
    records.forget(p.id());
    return records.upsert(p);
  }
}
