package dev.marquee.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.api.ApiException;
import dev.marquee.api.Tokens;
import dev.marquee.bus.RoomBus;
import dev.marquee.bus.RoomEvent;
import dev.marquee.config.Config;
import dev.marquee.history.HistoryService;
import dev.marquee.history.RecentHistory;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.presence.PresenceRoutes;
import dev.marquee.profile.Profile;
import dev.marquee.profile.Profiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions over their life: creation, lookup, ending by the owner, and the sweep that expires them,
 * warns of inactivity and ends inactive ones. Announcements go through the room bus so members on
 * every instance hear them.
 */
public final class SessionService implements PresenceRoutes.Sessions, HistoryService.Sessions {
  private static final Logger log = LoggerFactory.getLogger(SessionService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int CODE_ATTEMPTS = 8;

  /** A new session and its owner token, which is shown once and kept only as a hash. */
  public record Created(SessionState session, String ownerToken) {}

  private final Config.Sessions config;
  private final Clock clock;
  private final SessionStore store;
  private final SessionRecords records;
  private final PresenceRegistry presence;
  private final RecentHistory history;
  private final RoomBus bus;
  private final SessionOwners owners;
  private final AnalyticsLog analytics;
  private final Profiles profiles;

  /**
   * Sessions this instance ended whose ending PostgreSQL has not committed yet, so a lookup right
   * after the end already says ended.
   */
  private final ConcurrentHashMap<String, SessionState> endingNotRecorded =
      new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, Future<Void>> endingRecords = new ConcurrentHashMap<>();

  public SessionService(
      Config.Sessions config,
      Optional<String> adminToken,
      Clock clock,
      SessionStore store,
      SessionRecords records,
      PresenceRegistry presence,
      RecentHistory history,
      RoomBus bus,
      AnalyticsLog analytics,
      Profiles profiles) {
    this.config = config;
    this.profiles = profiles;
    this.owners = new SessionOwners(records, profiles, adminToken);
    this.clock = clock;
    this.store = store;
    this.records = records;
    this.presence = presence;
    this.history = history;
    this.bus = bus;
    this.analytics = analytics;
  }

  public static String newEpoch() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  public Config.Sessions config() {
    return config;
  }

  /** Creates an anonymous session, durable in PostgreSQL before this completes. */
  public Future<Created> create(String title) {
    return create(title, Optional.empty());
  }

  /**
   * Creates a session owned by {@code owner} if present (a signed-in user, whose profile has been
   * written), durable in PostgreSQL before this completes.
   */
  public Future<Created> create(String title, Optional<Profile> owner) {
    return create(title, owner, 0);
  }

  private Future<Created> create(String title, Optional<Profile> owner, int attempt) {
    if (attempt == CODE_ATTEMPTS) {
      return Future.failedFuture(new IllegalStateException("no free session code found"));
    }
    Instant now = now();
    SessionState session =
        new SessionState(
            SessionCode.random(),
            title,
            now,
            now.plus(config.maxLifetime()),
            now,
            0,
            newEpoch(),
            null,
            null,
            null);
    String token = Tokens.generate();
    byte[] hash = Tokens.hash(token);
    UUID ownerId = owner.map(Profile::id).orElse(null);
    return records
        .insert(session, hash, ownerId)
        .recover(
            e ->
                missingProfile(e) && owner.isPresent()
                    ? profiles
                        .rewrite(owner.get())
                        .compose(v -> records.insert(session, hash, ownerId))
                    : Future.failedFuture(e))
        .compose(
            inserted -> {
              if (!inserted) {
                return create(title, owner, attempt + 1);
              }
              return store
                  .put(session)
                  .map(
                      v -> {
                        log.info(
                            "session created",
                            kv("session", session.code()),
                            kv("signedIn", owner.isPresent()));
                        analytics.record(AnalyticsLog.SESSION_CREATED, session.code());
                        return new Created(session, token);
                      });
            });
  }

  /**
   * The profile was remembered as written but is gone (deleted since): a foreign-key violation on
   * sessions.owner_profile_id.
   */
  private static boolean missingProfile(Throwable e) {
    return e instanceof PgException pg && "23503".equals(pg.getSqlState());
  }

  /** The live session, else its record (ended or not loaded), else empty. */
  public Future<Optional<SessionState>> find(String code) {
    return store
        .find(code)
        .compose(
            live -> {
              if (live.isPresent()) {
                return Future.succeededFuture(live);
              }
              SessionState ending = endingNotRecorded.get(code);
              if (ending != null) {
                return Future.succeededFuture(Optional.of(ending));
              }
              return records.find(code).map(r -> r.map(SessionRecords.SessionRecord::state));
            });
  }

  /**
   * A session this instance ended whose ending PostgreSQL has not committed yet, as it ended; empty
   * for any other.
   */
  Optional<SessionState> endedNotRecorded(String code) {
    return Optional.ofNullable(endingNotRecorded.get(code));
  }

  /** The live session only; empty if it ended or never existed. */
  public Future<Optional<SessionState>> findLive(String code) {
    return store.find(code);
  }

  @Override
  public Future<String> requireLive(String rawCode) {
    Optional<String> code = SessionCode.parse(rawCode);
    if (code.isEmpty()) {
      return Future.failedFuture(ApiException.notFound("'" + rawCode + "' is not a session code"));
    }
    return find(code.get())
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("no session " + code.get()));
              }
              if (found.get().ended()) {
                return Future.failedFuture(
                    new ApiException(409, "session_ended", "the session has ended"));
              }
              return Future.succeededFuture(code.get());
            });
  }

  /** History outlives the session: an ended one is found as long as its record is kept. */
  @Override
  public Future<String> requireKnown(String rawCode) {
    Optional<String> code = SessionCode.parse(rawCode);
    if (code.isEmpty()) {
      return Future.failedFuture(ApiException.notFound("'" + rawCode + "' is not a session code"));
    }
    return find(code.get())
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(code.get())
                    : Future.failedFuture(ApiException.notFound("no session " + code.get())));
  }

  @Override
  public Future<OptionalLong> issuedThrough(String code) {
    return find(code)
        .map(
            found ->
                found.isEmpty() || found.get().ended()
                    ? OptionalLong.empty()
                    : OptionalLong.of(found.get().lastSeq()));
  }

  @Override
  public Future<Void> requireOwner(String code, Optional<String> bearer, String action) {
    return owners.authorize(code, bearer, action).mapEmpty();
  }

  /**
   * Ends the session for its owner ({@code bearer} is the owner token or the creator's JWT) or an
   * operator ({@code ADMIN_TOKEN}); fails with the matching {@link ApiException} otherwise.
   */
  public Future<SessionState> endAuthorized(String code, Optional<String> bearer) {
    ApiException alreadyEnded =
        new ApiException(409, "session_ended", "the session has already ended");
    return owners
        .authorize(code, bearer, "session_end")
        .compose(
            record -> {
              if (record.state().ended()) {
                return Future.failedFuture(alreadyEnded);
              }
              return end(code, EndReason.CLOSED)
                  .compose(
                      ended ->
                          ended.isPresent()
                              ? recorded(code).map(ended.get())
                              : Future.failedFuture(alreadyEnded));
            });
  }

  /**
   * Completes once the ending of {@code code} is in PostgreSQL, so an owner told "ended" by one
   * instance is told the same by every other (they read the record). A failed or dropped write
   * completes it too: the ending still holds in the engine.
   */
  private Future<Void> recorded(String code) {
    Future<Void> pending = endingRecords.get(code);
    return pending == null
        ? Future.succeededFuture()
        : pending
            .recover(e -> Future.succeededFuture())
            .timeout(5, java.util.concurrent.TimeUnit.SECONDS)
            .recover(e -> Future.succeededFuture());
  }

  /**
   * Ends a live session once and announces it to every member. Empty if it was not live (another
   * caller ended it first).
   */
  public Future<Optional<SessionState>> end(String code, EndReason reason) {
    return store
        .end(code, reason, now())
        .compose(
            ended -> {
              if (ended.isEmpty()) {
                return Future.succeededFuture(ended);
              }
              endingNotRecorded.put(code, ended.get());
              Future<Void> recorded = records.recordEnd(code, ended.get().endedAt(), reason);
              if (recorded == null) {
                log.warn(
                    "session end not recorded: database write buffer full", kv("session", code));
              } else {
                endingRecords.put(code, recorded);
                recorded.onComplete(
                    ar -> {
                      endingNotRecorded.remove(code);
                      endingRecords.remove(code, recorded);
                    });
              }
              log.info("session ended", kv("session", code), kv("reason", reason.wire()));
              analytics.record(
                  AnalyticsLog.SESSION_ENDED,
                  code,
                  new JsonObject()
                      .put("reason", reason.wire())
                      .put(
                          "durationMs",
                          Duration.between(ended.get().createdAt(), ended.get().endedAt())
                              .toMillis()));
              return bus.publish(new RoomEvent.Ended(code, reason.wire()))
                  .compose(v -> history.retire(code))
                  .compose(v -> presence.drop(code))
                  .map(v -> ended);
            });
  }

  /** Whether the session is locked (no new controllers); false for one that is not live. */
  public Future<Boolean> locked(String code) {
    return store.locked(code);
  }

  /** Decides a join to the live session {@code s} now (see {@link SessionStore#admit}). */
  public Future<SessionStore.Admission> admit(SessionState s, String clientId, boolean controller) {
    return store.admit(s, clientId, controller, now());
  }

  /** Expires, warns and ends sessions as of now. Safe to run concurrently with itself. */
  public Future<Void> sweep() {
    Instant now = now();
    return store
        .live()
        .compose(
            live -> {
              List<Future<?>> work = new ArrayList<>();
              for (SessionState s : live) {
                work.add(sweepOne(s, now));
              }
              return Future.join(work).mapEmpty();
            });
  }

  private Future<?> sweepOne(SessionState s, Instant now) {
    if (!now.isBefore(s.expiresAt())) {
      return end(s.code(), EndReason.EXPIRED);
    }
    Duration quiet = Duration.between(s.lastActivityAt(), now);
    if (quiet.compareTo(config.inactivityTimeout()) >= 0) {
      return end(s.code(), EndReason.INACTIVE);
    }
    if (quiet.compareTo(config.inactivityWarning()) >= 0
        && !s.lastActivityAt().equals(s.warnedFor())) {
      Instant endsAt = s.lastActivityAt().plus(config.inactivityTimeout());
      return store
          .markWarned(s.code(), s.lastActivityAt())
          .compose(
              marked ->
                  marked
                      ? bus.publish(
                          new RoomEvent.Warning(
                              s.code(), endsAt, Duration.between(now, endsAt).toMillis()))
                      : Future.succeededFuture());
    }
    return Future.succeededFuture();
  }

  /** The inactivity warning a member joining now should see, if the session is in that period. */
  public Optional<RoomEvent.Warning> pendingWarning(SessionState s) {
    Instant now = now();
    Duration quiet = Duration.between(s.lastActivityAt(), now);
    if (quiet.compareTo(config.inactivityWarning()) < 0) {
      return Optional.empty();
    }
    Instant endsAt = s.lastActivityAt().plus(config.inactivityTimeout());
    return Optional.of(
        new RoomEvent.Warning(
            s.code(), endsAt, Math.max(0, Duration.between(now, endsAt).toMillis())));
  }
}
