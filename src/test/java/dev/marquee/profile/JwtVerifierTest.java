package dev.marquee.profile;

import static dev.marquee.testing.Await.await;
import static dev.marquee.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.api.ApiException;
import dev.marquee.config.Jwt;
import dev.marquee.testing.JwksServer;
import dev.marquee.testing.TestJwt;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which tokens pass: signed by a configured key (the HS256 secret, a JWKS key fetched from a local
 * endpoint), for the configured audience and issuer, unexpired; everything else is a 401 saying
 * what is wrong.
 */
class JwtVerifierTest {
  static final String SECRET = "a-test-jwt-secret-of-at-least-32-characters";
  static final String ISSUER = "https://project.supabase.co/auth/v1";

  Vertx vertx;
  JwtVerifier verifier;
  JwksServer jwks;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (verifier != null) {
      verifier.close();
    }
    if (jwks != null) {
      jwks.close();
    }
    await(vertx.close());
  }

  JwtVerifier secretOnly(Optional<String> issuer) {
    verifier =
        new JwtVerifier(
            vertx,
            new Jwt(Optional.of(SECRET), Optional.empty(), List.of("authenticated"), issuer));
    verifier.start();
    return verifier;
  }

  JwtVerifier withJwks(Optional<String> secret) {
    verifier =
        new JwtVerifier(
            vertx,
            new Jwt(
                secret,
                Optional.of(URI.create(jwks.url())),
                List.of("authenticated"),
                Optional.empty()),
            Duration.ZERO);
    verifier.start();
    return verifier;
  }

  static JsonObject claims() {
    return TestJwt.claims(UUID.randomUUID().toString(), "Ana");
  }

  String rejection(String token) {
    Throwable e = awaitFailure(verifier.verify(token));
    assertThat(e).isInstanceOf(ApiException.class);
    ApiException api = (ApiException) e;
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.code()).isEqualTo("invalid_token");
    return api.getMessage();
  }

  @Test
  void aTokenSignedWithTheSecretPassesAndYieldsItsClaims() {
    secretOnly(Optional.empty());
    JsonObject claims = claims();
    JsonObject verified = await(verifier.verify(TestJwt.hs256(SECRET, claims)));
    assertThat(verified.getString("sub")).isEqualTo(claims.getString("sub"));
    assertThat(verified.getJsonObject("user_metadata").getString("full_name")).isEqualTo("Ana");
  }

  @Test
  void expiredTokensAreRefused() {
    secretOnly(Optional.empty());
    long now = Instant.now().getEpochSecond();
    String expired = TestJwt.hs256(SECRET, claims().put("iat", now - 7200).put("exp", now - 3600));
    assertThat(rejection(expired)).contains("expired");
  }

  @Test
  void tokensWithoutAnExpiryAreRefused() {
    secretOnly(Optional.empty());
    JsonObject claims = claims();
    claims.remove("exp");
    assertThat(rejection(TestJwt.hs256(SECRET, claims))).contains("exp");
  }

  @Test
  void theAudienceMustBeOneOfTheAccepted() {
    secretOnly(Optional.empty());
    assertThat(rejection(TestJwt.hs256(SECRET, claims().put("aud", "anon")))).contains("aud");
    JsonObject several = claims().put("aud", new JsonArray().add("other").add("authenticated"));
    assertThat(await(verifier.verify(TestJwt.hs256(SECRET, several)))).isNotNull();
  }

  @Test
  void theIssuerMustMatchWhenOneIsConfigured() {
    secretOnly(Optional.of(ISSUER));
    assertThat(rejection(TestJwt.hs256(SECRET, claims().put("iss", "https://evil.example"))))
        .contains("iss");
    assertThat(rejection(TestJwt.hs256(SECRET, claims()))).contains("iss");
    assertThat(await(verifier.verify(TestJwt.hs256(SECRET, claims().put("iss", ISSUER)))))
        .isNotNull();
  }

  @Test
  void aWrongSignatureIsRefused() {
    secretOnly(Optional.empty());
    String forged = TestJwt.hs256("another-secret-of-at-least-32-characters!!", claims());
    assertThat(rejection(forged)).contains("signature");
    String token = TestJwt.hs256(SECRET, claims());
    String tampered =
        token.substring(0, token.lastIndexOf('.') - 2)
            + (token.charAt(token.lastIndexOf('.') - 2) == 'A' ? "B" : "A")
            + token.substring(token.lastIndexOf('.') - 1);
    rejection(tampered);
  }

  @Test
  void garbageAndUnsignedTokensAreRefused() {
    secretOnly(Optional.empty());
    for (String garbage :
        List.of(
            "garbage",
            "a.b.c",
            "eyJub3QganNvbg.eyJ9.c2ln",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
            "eyJhbGciOiJIUzI1NiJ9..",
            TestJwt.unsigned(claims(), "c2ln"),
            TestJwt.unsigned(claims(), "").replaceAll("\\.$", ""))) {
      rejection(garbage);
    }
  }

  @Test
  void keysFromTheJwksVerifyRs256AndEs256Tokens() {
    KeyPair rsa = TestJwt.rsaKey();
    KeyPair ec = TestJwt.ecKey();
    jwks = JwksServer.start(List.of(TestJwt.jwk(rsa, "rsa-1"), TestJwt.jwk(ec, "ec-1")));
    withJwks(Optional.empty());
    JsonObject claims = claims();
    assertThat(
            await(verifier.verify(TestJwt.signed("RS256", rsa.getPrivate(), "rsa-1", claims)))
                .getString("sub"))
        .isEqualTo(claims.getString("sub"));
    assertThat(
            await(verifier.verify(TestJwt.signed("ES256", ec.getPrivate(), "ec-1", claims)))
                .getString("sub"))
        .isEqualTo(claims.getString("sub"));
    KeyPair stranger = TestJwt.rsaKey();
    assertThat(rejection(TestJwt.signed("RS256", stranger.getPrivate(), "rsa-1", claims)))
        .contains("signature");
    // Without the secret configured, an HS256 token cannot pass, whatever key it was made with.
    rejection(TestJwt.hs256(SECRET, claims));
  }

  @Test
  void aTokenNamingANewKeyMakesTheJwksBeFetchedAgain() {
    KeyPair first = TestJwt.rsaKey();
    jwks = JwksServer.start(List.of(TestJwt.jwk(first, "k1")));
    withJwks(Optional.empty());
    await(verifier.verify(TestJwt.signed("RS256", first.getPrivate(), "k1", claims())));
    int fetched = jwks.fetches();

    KeyPair second = TestJwt.rsaKey();
    jwks.serve(List.of(TestJwt.jwk(first, "k1"), TestJwt.jwk(second, "k2")));
    await(verifier.verify(TestJwt.signed("RS256", second.getPrivate(), "k2", claims())));
    assertThat(jwks.fetches()).isEqualTo(fetched + 1);
  }

  @Test
  void whileTheJwksWasNeverFetchedTokensGet503ThenPassOnceItAnswers() {
    KeyPair rsa = TestJwt.rsaKey();
    jwks = JwksServer.start(List.of(TestJwt.jwk(rsa, "k1")));
    jwks.down(true);
    withJwks(Optional.empty());
    String token = TestJwt.signed("RS256", rsa.getPrivate(), "k1", claims());
    Throwable e = awaitFailure(verifier.verify(token));
    assertThat(((ApiException) e).status()).isEqualTo(503);
    assertThat(((ApiException) e).code()).isEqualTo("auth_unavailable");

    jwks.down(false);
    assertThat(await(verifier.verify(token))).isNotNull();
    jwks.down(true);
    assertThat(await(verifier.verify(token))).as("keys fetched once are kept").isNotNull();
  }

  @Test
  void symmetricKeysInAJwksAreNeverTrusted() {
    String leaked = "k".repeat(40);
    JsonObject oct =
        new JsonObject()
            .put("kty", "oct")
            .put("kid", "oct-1")
            .put("alg", "HS256")
            .put(
                "k",
                java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(leaked.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    KeyPair rsa = TestJwt.rsaKey();
    jwks = JwksServer.start(List.of(oct, TestJwt.jwk(rsa, "rsa-1")));
    withJwks(Optional.empty());
    await(verifier.verify(TestJwt.signed("RS256", rsa.getPrivate(), "rsa-1", claims())));
    rejection(TestJwt.hs256(leaked, claims()));
  }

  @Test
  void withBothTheSecretAndAJwksEitherKindOfTokenPasses() {
    KeyPair rsa = TestJwt.rsaKey();
    jwks = JwksServer.start(List.of(TestJwt.jwk(rsa, "rsa-1")));
    withJwks(Optional.of(SECRET));
    await(verifier.verify(TestJwt.signed("RS256", rsa.getPrivate(), "rsa-1", claims())));
    await(verifier.verify(TestJwt.hs256(SECRET, claims())));
  }

  @Test
  void onlyJwtShapedBearersAreTakenForJwts() {
    assertThat(JwtVerifier.looksLikeJwt(TestJwt.hs256(SECRET, claims()))).isTrue();
    assertThat(JwtVerifier.looksLikeJwt(dev.marquee.api.Tokens.generate())).isFalse();
    assertThat(JwtVerifier.looksLikeJwt("admin.token.withdots")).isFalse();
    assertThat(JwtVerifier.looksLikeJwt(null)).isFalse();
  }
}
