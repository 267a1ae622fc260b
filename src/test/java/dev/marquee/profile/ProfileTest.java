package dev.marquee.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The profile a token describes: its id, and the name chosen in the documented order. */
class ProfileTest {
  static final String ID = "8f14e45f-ceea-467f-a3e5-2b3c4d5e6f70";

  static JsonObject claims() {
    return new JsonObject().put("sub", ID).put("email", "ana.lima@example.com");
  }

  static String name(JsonObject claims) {
    return Profile.fromClaims(claims).orElseThrow().displayName();
  }

  @Test
  void theNameComesFromFullNameThenNameThenTheTopLevelNameThenTheEmail() {
    JsonObject meta = new JsonObject().put("full_name", "Ana Lima").put("name", "ana");
    JsonObject all = claims().put("user_metadata", meta).put("name", "Top");
    assertThat(name(all)).isEqualTo("Ana Lima");
    meta.remove("full_name");
    assertThat(name(all)).isEqualTo("ana");
    meta.put("name", "   ");
    assertThat(name(all)).isEqualTo("Top");
    all.remove("name");
    assertThat(name(all)).isEqualTo("ana.lima");
    all.remove("email");
    assertThat(name(all)).isEqualTo("user-8f14e45f");
  }

  @Test
  void theIdIsTheSubject() {
    assertThat(Profile.fromClaims(claims()).orElseThrow().id()).isEqualTo(UUID.fromString(ID));
  }

  @Test
  void aSubjectThatIsNotAUuidMakesNoProfile() {
    assertThat(Profile.fromClaims(claims().put("sub", "user-42"))).isEmpty();
    assertThat(Profile.fromClaims(claims().put("sub", 42))).isEmpty();
    assertThat(Profile.fromClaims(claims().put("sub", "1-1-1-1-1"))).isEmpty();
    JsonObject none = claims();
    none.remove("sub");
    assertThat(Profile.fromClaims(none)).isEmpty();
  }

  @Test
  void namesAreCleanedAndCut() {
    JsonObject meta = new JsonObject().put("full_name", "  Ana\n\tLima\u0007  ");
    assertThat(name(claims().put("user_metadata", meta))).isEqualTo("Ana Lima");
    meta.put("full_name", "é".repeat(150));
    assertThat(name(claims().put("user_metadata", meta))).hasSize(Profile.MAX_NAME);
    meta.put("full_name", 42);
    assertThat(name(claims().put("user_metadata", meta))).isEqualTo("ana.lima");
  }
}
