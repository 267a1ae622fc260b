package dev.marquee.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.TestPostgres;
import dev.marquee.testing.TestRedis;
import dev.marquee.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, item 9: an owner token is handed out once and kept only as its SHA-256 hash, in
 * PostgreSQL and in Redis alike; tokens are compared through {@link Tokens#matches}, in time that
 * does not depend on where they differ ({@code MessageDigest.isEqual}).
 */
class TokensAtRestTest {

  @Test
  void theOwnerTokenIsStoredOnlyAsItsHash() throws Exception {
    try (TestServer server = TestServer.start(TestRedis.engineEnv())) {
      JsonObject created = server.createSession();
      String code = created.getString("code");
      String token = created.getString("ownerToken");
      assertThat(token).hasSizeGreaterThanOrEqualTo(43); // 256 random bits

      try (Connection c = TestPostgres.connect(server.database());
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT owner_token_hash, row_to_json(sessions)::text FROM sessions"
                      + " WHERE code = '"
                      + code
                      + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBytes(1)).isEqualTo(Tokens.hash(token));
        assertThat(rs.getString(2)).doesNotContain(token);
      }
      List<String> redisValues = redisDump(server, code);
      assertThat(redisValues).isNotEmpty();
      assertThat(redisValues).noneMatch(v -> v.contains(token));

      // The token works; a token one character off, and no token, do not.
      String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
      assertThat(server.delete("/api/session/" + code + "/history", wrong).statusCode())
          .isEqualTo(403);
      assertThat(server.delete("/api/session/" + code + "/history", null).statusCode())
          .isEqualTo(401);
      assertThat(server.delete("/api/session/" + code + "/history", token).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void matchingComparesWholeHashes() {
    String token = Tokens.generate();
    assertThat(Tokens.matches(token, Tokens.hash(token))).isTrue();
    assertThat(Tokens.matches(token + "x", Tokens.hash(token))).isFalse();
    assertThat(Tokens.matches(token.substring(1), Tokens.hash(token))).isFalse();
    assertThat(Tokens.matches("", Tokens.hash(token))).isFalse();
    assertThat(Tokens.matches(null, Tokens.hash(token))).isFalse();
    assertThat(Tokens.matches(token, Optional.of(token))).isTrue();
    assertThat(Tokens.matches(token, Optional.empty())).isFalse();
    assertThat(Tokens.generate()).isNotEqualTo(Tokens.generate());
    assertThat(new String(Tokens.hash("x"), StandardCharsets.ISO_8859_1)).hasSize(32);
  }

  /** Every string value under the session's keys (and the global ones) in the test's prefix. */
  private static List<String> redisDump(TestServer server, String code) throws Exception {
    List<String> out = new ArrayList<>();
    String prefix = server.env().get("REDIS_KEY_PREFIX");
    for (String key : TestRedis.cli("--scan", "--pattern", prefix + ":*")) {
      String type = TestRedis.cli("TYPE", key).get(0);
      switch (type) {
        case "string" -> out.addAll(TestRedis.cli("GET", key));
        case "hash" -> out.addAll(TestRedis.cli("HGETALL", key));
        case "list" -> out.addAll(TestRedis.cli("LRANGE", key, "0", "-1"));
        case "zset" -> out.addAll(TestRedis.cli("ZRANGE", key, "0", "-1"));
        case "set" -> out.addAll(TestRedis.cli("SMEMBERS", key));
        default -> out.add(key);
      }
    }
    assertThat(String.join(" ", out)).contains(code);
    return out;
  }
}
