package dev.marquee.profile;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.api.ApiException;
import dev.marquee.config.Jwt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.security.SignatureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer JWTs with vertx-auth-jwt: the signature against the configured keys (the HS256
 * secret, the keys of the JWKS, or both), then audience, issuer and time. The JWKS is fetched at
 * start-up, again every {@link #JWKS_REFRESH}, and early when a token names a key it does not hold
 * (a rotation), at most once per {@link #JWKS_MIN_REFETCH}. Tokens never reach a log.
 */
final class JwtVerifier {
  private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);

  static final Duration JWKS_REFRESH = Duration.ofMinutes(10);
  static final Duration JWKS_MIN_REFETCH = Duration.ofSeconds(30);
  static final Duration JWKS_TIMEOUT = Duration.ofSeconds(5);
  static final int JWKS_MAX_BYTES = 256 * 1024;

  /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}, in seconds. */
  static final int LEEWAY_SECONDS = 30;

  /**
   * Three base64url parts, the first a JSON object ({@code eyJ} is how {@code {"} encodes): owner
   * tokens (43 base64url characters, no dot) never look like this.
   */
  private static final Pattern SHAPE =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  private final Jwt config;
  private final Duration minRefetch;
  private final Vertx vertx;
  private final HttpClientAgent http;
  private final Context context;
  private volatile JWTAuth auth;
  private volatile List<JsonObject> jwks = List.of();
  private volatile long lastFetchNanos;
  private Future<Void> fetching;
  private long timer = -1;

  JwtVerifier(Vertx vertx, Jwt config) {
    this(vertx, config, JWKS_MIN_REFETCH);
  }

  /** {@code minRefetch}: tests shorten it to see a rotation without waiting. */
  JwtVerifier(Vertx vertx, Jwt config, Duration minRefetch) {
    this.vertx = vertx;
    this.config = config;
    this.minRefetch = minRefetch;
    this.context = vertx.getOrCreateContext();
    this.http =
        config.jwksUrl().isEmpty()
            ? null
            // A fetch every few minutes gains nothing from a pooled connection, and one left idle
            // that long may have been dropped silently on the way (NAT, proxies): the next fetch
            // would hang until its time-out. Each fetch opens its own.
            : vertx.createHttpClient(
                new HttpClientOptions()
                    .setKeepAlive(false)
                    .setConnectTimeout((int) JWKS_TIMEOUT.toMillis())
                    .setMaxRedirects(3));
    if (config.secret().isPresent()) {
      auth = build(List.of());
    }
  }

  static boolean looksLikeJwt(String token) {
    return token != null && token.length() <= 16 * 1024 && SHAPE.matcher(token).matches();
  }

  /** Starts fetching the JWKS (if there is one) without waiting for it: start-up never blocks. */
  void start() {
    if (http == null) {
      return;
    }
    URI url = config.jwksUrl().orElseThrow();
    if (url.getScheme().equals("http") && !loopback(url.getHost())) {
      log.warn("jwks over plain http", kv("url", url));
    }
    fetch();
    timer = vertx.setPeriodic(JWKS_REFRESH.toMillis(), t -> fetch());
  }

  private static boolean loopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("[::1]")
        || host.equals("::1");
  }

  void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (http != null) {
      http.close();
    }
  }

  /**
   * The claims of a valid token. Fails with a 401 {@code invalid_token} {@link ApiException} naming
   * what is wrong, or 503 {@code auth_unavailable} while the JWKS has never been fetched.
   */
  Future<JsonObject> verify(String token) {
    if (!looksLikeJwt(token)) {
      return Future.failedFuture(invalid("malformed", "the bearer token is not a JWT"));
    }
    return keys()
        .compose(
            current ->
                current
                    .authenticate(new TokenCredentials(token))
                    .recover(
                        e ->
                            e instanceof NoSuchKeyIdException && http != null
                                ? refetch()
                                    .compose(v -> keys())
                                    .compose(
                                        again -> again.authenticate(new TokenCredentials(token)))
                                : Future.failedFuture(e)))
        .map(user -> user.attributes().getJsonObject("accessToken"))
        .compose(
            claims ->
                claims.getValue("exp") instanceof Number
                    ? Future.succeededFuture(claims)
                    : Future.failedFuture(invalid("no_expiry", "the token has no expiry (exp)")))
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e : classify(e)));
  }

  private Future<JWTAuth> keys() {
    JWTAuth current = auth;
    if (current != null) {
      return Future.succeededFuture(current);
    }
    return refetch()
        .transform(
            ar ->
                auth != null
                    ? Future.succeededFuture(auth)
                    : Future.failedFuture(
                        new ApiException(
                            503,
                            "auth_unavailable",
                            "the signing keys (JWT_JWKS_URL) could not be fetched yet; try again"
                                + " shortly",
                            5)));
  }

  /** A fetch unless one ran within {@link #JWKS_MIN_REFETCH}: tokens cannot make us hammer it. */
  private synchronized Future<Void> refetch() {
    // A completed fetch whose clean-up has not run yet (its listeners may run on another thread
    // after the caller has seen it fail) is over: it must not stand in for the next one.
    if (fetching != null && !fetching.isComplete()) {
      return fetching;
    }
    if (lastFetchNanos != 0 && System.nanoTime() - lastFetchNanos < minRefetch.toNanos()) {
      return Future.succeededFuture();
    }
    return fetch();
  }

  private synchronized Future<Void> fetch() {
    if (fetching != null && !fetching.isComplete()) {
      return fetching;
    }
    lastFetchNanos = System.nanoTime();
    URI url = config.jwksUrl().orElseThrow();
    // Requests start on the client's own context, whichever thread asked (a request thread, a
    // test, the timer).
    Promise<Void> loaded = Promise.promise();
    context.runOnContext(v -> load(url).onComplete(loaded));
    Future<Void> f =
        loaded
            .future()
            // The request's own time-out has been seen not to fire (a race in the client); this one
            // always does, so a fetch can never stay in flight and block the next.
            .timeout(JWKS_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS)
            .onSuccess(v -> log.info("jwks loaded", kv("url", url), kv("keys", jwks.size())))
            .onFailure(
                e ->
                    log.warn(
                        "jwks fetch failed",
                        kv("url", url),
                        kv("reason", e.getMessage()),
                        kv("keptKeys", jwks.size())));
    fetching = f;
    f.onComplete(
        ar -> {
          synchronized (this) {
            if (fetching == f) {
              fetching = null;
            }
          }
        });
    return f;
  }

  /** One GET of the JWKS; its usable keys replace the ones held. */
  private Future<Void> load(URI url) {
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url.toString())
                .setTimeout(JWKS_TIMEOUT.toMillis())
                .addHeader("Accept", "application/json"))
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body()
                    .compose(
                        body ->
                            resp.statusCode() == 200
                                ? Future.succeededFuture(body)
                                : Future.failedFuture(
                                    "the JWKS endpoint answered " + resp.statusCode())))
        .compose(
            body -> {
              if (body.length() > JWKS_MAX_BYTES) {
                return Future.failedFuture("the JWKS is larger than " + JWKS_MAX_BYTES);
              }
              List<JsonObject> keys = usable(body.toJsonObject().getJsonArray("keys"));
              if (keys.isEmpty()) {
                return Future.failedFuture("the JWKS holds no usable signing key");
              }
              install(keys);
              return Future.<Void>succeededFuture();
            });
  }

  /**
   * Public signing keys only: a symmetric ({@code oct}) key in a JWKS would let anyone who can read
   * that URL sign tokens, and keys vertx-auth-jwt cannot load are left out here instead of warned
   * about on every rebuild.
   */
  private static List<JsonObject> usable(JsonArray keys) {
    List<JsonObject> out = new ArrayList<>();
    if (keys == null) {
      return out;
    }
    for (Object o : keys) {
      if (!(o instanceof JsonObject key)) {
        continue;
      }
      String kty = key.getString("kty", "");
      String use = key.getString("use");
      if (kty.equals("oct") || (use != null && !use.equals("sig"))) {
        continue;
      }
      try {
        new JWK(key);
        out.add(key);
      } catch (RuntimeException e) {
        log.warn("jwks key skipped", kv("kid", key.getString("kid")), kv("kty", kty));
      }
    }
    return out;
  }

  private void install(List<JsonObject> keys) {
    jwks = List.copyOf(keys);
    auth = build(jwks);
  }

  /** A provider holding the secret (if any) and {@code keys}; never one with no key at all. */
  private JWTAuth build(List<JsonObject> keys) {
    JWTOptions options = new JWTOptions().setAudience(config.audiences()).setLeeway(LEEWAY_SECONDS);
    config.issuer().ifPresent(options::setIssuer);
    JWTAuthOptions auth = new JWTAuthOptions().setJWTOptions(options);
    config
        .secret()
        .ifPresent(
            s -> auth.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s)));
    keys.forEach(auth::addJwk);
    return JWTAuth.create(vertx, auth);
  }

  /** What the token got wrong, from what vertx-auth-jwt says; the message is the client's. */
  private static ApiException classify(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("audience")) {
      return invalid("audience", "the token's audience (aud) is not accepted here");
    }
    if (m.contains("issuer")) {
      return invalid("issuer", "the token's issuer (iss) is not accepted here");
    }
    if (m.contains("expired")) {
      return invalid("expired", "the token has expired (or is not valid yet)");
    }
    if (e instanceof SignatureException
        || e instanceof NoSuchKeyIdException
        || m.contains("signature")) {
      return invalid("signature", "the token's signature does not verify with the configured keys");
    }
    return invalid("malformed", "the bearer token is not a valid JWT");
  }

  private static ApiException invalid(String reason, String message) {
    log.debug("jwt rejected", kv("reason", reason));
    return new ApiException(401, "invalid_token", message);
  }
}
