package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.presence.Role;
import dev.marquee.session.SessionCode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link FrameDecoder} over many generated inputs (seeded, so a failure repeats; the
 * seed is in the assertion message): every valid frame survives encode and decode unchanged, and
 * any text or bytes at all decode to a frame or a documented refusal, never an exception.
 */
class FrameDecoderPropertiesTest {
  private static final long SEED = 0x6d61727175656511L;
  private static final int RUNS = 5_000;

  @Test
  void everyValidFrameSurvivesEncodeAndDecode() {
    Random random = new Random(SEED);
    for (int i = 0; i < RUNS; i++) {
      ClientFrame frame = validFrame(random);
      String encoded = FrameChecks.encode(frame);
      assertThat(FrameDecoder.decode(encoded)).as("run %d: %s", i, encoded).isEqualTo(frame);
    }
  }

  @Test
  void codesAreNormalisedHoweverTheyAreTyped() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < RUNS; i++) {
      String code = code(random);
      StringBuilder typed = new StringBuilder();
      for (char c : code.toCharArray()) {
        typed.append(random.nextBoolean() ? Character.toLowerCase(c) : c);
        if (random.nextInt(4) == 0) {
          typed.append(random.nextBoolean() ? '-' : ' ');
        }
      }
      JsonObject join =
          new JsonObject()
              .put("type", "join")
              .put("session", typed.toString())
              .put("role", "display");
      ClientFrame frame = FrameDecoder.decode(join.encode());
      assertThat(frame).as("run %d: %s", i, typed).isInstanceOf(ClientFrame.Join.class);
      assertThat(((ClientFrame.Join) frame).session()).isEqualTo(code);
    }
  }

  @Test
  void anyMutationOfAValidFrameDecodesOrIsRefusedWithADocumentedCode() {
    Random random = new Random(SEED + 2);
    for (int i = 0; i < RUNS * 4; i++) {
      String text = FrameChecks.encode(validFrame(random));
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        text = mutate(random, text);
      }
      String input = text;
      runCheck(i, input, () -> FrameChecks.check(input));
    }
  }

  @Test
  void anyBytesDecodeOrAreRefused() {
    Random random = new Random(SEED + 3);
    for (int i = 0; i < RUNS * 4; i++) {
      byte[] bytes;
      if (random.nextBoolean()) {
        bytes = FrameChecks.encode(validFrame(random)).getBytes(StandardCharsets.UTF_8);
        for (int e = 0; e < 1 + random.nextInt(3); e++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      } else {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
      }
      byte[] input = bytes;
      runCheck(
          i, new String(input, StandardCharsets.ISO_8859_1), () -> FrameChecks.checkBytes(input));
    }
  }

  @Test
  void jsonOfAnyShapeDecodesOrIsRefused() {
    Random random = new Random(SEED + 4);
    for (int i = 0; i < RUNS * 4; i++) {
      JsonObject json = new JsonObject();
      if (random.nextInt(5) > 0) {
        json.put("type", pick(random, List.of("join", "send", "ping", "leave", "x", "")));
      }
      for (String field :
          List.of(
              "type", "session", "role", "name", "clientId", "lastSeq", "epoch", "text", "ref")) {
        if (random.nextInt(3) == 0) {
          json.put(field, anyValue(random, 0));
        }
      }
      String input = json.encode();
      runCheck(i, input, () -> FrameChecks.check(input));
    }
  }

  @Test
  void textLimitsCountCodePointsNotChars() {
    String emoji = "😀";
    ClientFrame atLimit =
        FrameDecoder.decode(ProtocolContract.send(emoji.repeat(2000), "r").encode());
    assertThat(atLimit).isInstanceOf(ClientFrame.Send.class);
    ClientFrame over = FrameDecoder.decode(ProtocolContract.send(emoji.repeat(2001), "r").encode());
    assertThat(((ClientFrame.Invalid) over).code()).isEqualTo("too_large");
    ClientFrame name =
        FrameDecoder.decode(
            new JsonObject()
                .put("type", "join")
                .put("session", "K7QX2M")
                .put("role", "display")
                .put("name", emoji.repeat(64))
                .encode());
    assertThat(name).isInstanceOf(ClientFrame.Join.class);
  }

  private static void runCheck(int run, String input, Runnable check) {
    try {
      check.run();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "run " + run + " (seed " + SEED + ") input: " + abbreviate(input) + ": " + e, e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  // ---- generators ----

  static ClientFrame validFrame(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        String name = nonBlank(random, 1 + random.nextInt(64)).strip();
        return new ClientFrame.Join(
            code(random),
            random.nextBoolean() ? Role.DISPLAY : Role.CONTROLLER,
            name,
            random.nextBoolean() ? clientId(random) : null,
            random.nextBoolean() ? -1 : lastSeq(random),
            random.nextBoolean() ? null : text(random, random.nextInt(32)));
      case 1:
        return new ClientFrame.Send(nonBlank(random, 1 + random.nextInt(2000)), ref(random));
      case 2:
        return new ClientFrame.Ping(ref(random));
      default:
        return new ClientFrame.Leave();
    }
  }

  private static String code(Random random) {
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < SessionCode.LENGTH; i++) {
      code.append(SessionCode.ALPHABET.charAt(random.nextInt(SessionCode.ALPHABET.length())));
    }
    return code.toString();
  }

  private static String clientId(Random random) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    StringBuilder id = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(64); i < n; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  private static long lastSeq(Random random) {
    switch (random.nextInt(3)) {
      case 0:
        return random.nextInt(100);
      case 1:
        return Integer.MAX_VALUE + (long) random.nextInt(10);
      default:
        return Long.MAX_VALUE - random.nextInt(10);
    }
  }

  private static String ref(Random random) {
    return random.nextBoolean() ? null : text(random, random.nextInt(32));
  }

  /** Text of {@code codePoints} code points that is not blank (and keeps that after strip). */
  private static String nonBlank(Random random, int codePoints) {
    String text = text(random, codePoints - 1);
    return "x" + text;
  }

  /** Well-formed text from several scripts: ASCII, controls, accents, CJK, emoji. */
  static String text(Random random, int codePoints) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < codePoints; i++) {
      switch (random.nextInt(6)) {
        case 0:
          s.appendCodePoint(
              1 + random.nextInt(0x1F)); // controls, escaped in JSON (U+0000 is refused)
          break;
        case 1:
          s.appendCodePoint(0xC0 + random.nextInt(0x180));
          break;
        case 2:
          s.appendCodePoint(0x4E00 + random.nextInt(0x5000));
          break;
        case 3:
          s.appendCodePoint(0x1F300 + random.nextInt(0x300));
          break;
        default:
          s.appendCodePoint(0x20 + random.nextInt(0x5F)); // printable ASCII, quotes included
      }
    }
    return s.toString();
  }

  private static Object anyValue(Random random, int depth) {
    switch (random.nextInt(depth > 3 ? 8 : 10)) {
      case 0:
        return null;
      case 1:
        return random.nextBoolean();
      case 2:
        return random.nextLong();
      case 3:
        return random.nextDouble() * Math.pow(10, random.nextInt(300));
      case 4:
        return new java.math.BigInteger(200, random);
      case 5:
        return "\ud800" + text(random, 3);
      case 6:
      case 7:
        return text(random, random.nextInt(80));
      case 8:
        return new io.vertx.core.json.JsonArray().add(anyValue(random, depth + 1));
      default:
        return new JsonObject().put("k", anyValue(random, depth + 1));
    }
  }

  private static String mutate(Random random, String s) {
    if (s.isEmpty()) {
      return String.valueOf((char) random.nextInt(128));
    }
    int at = random.nextInt(s.length());
    String junk =
        pick(
            random,
            List.of(
                "\"",
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\\",
                "\\u",
                "\\ud800",
                "null",
                "1e999",
                "-",
                "9999999999999999999999",
                String.valueOf((char) random.nextInt(0x10000))));
    switch (random.nextInt(3)) {
      case 0:
        return s.substring(0, at) + s.substring(at + 1);
      case 1:
        return s.substring(0, at) + junk + s.substring(at);
      default:
        return s.substring(0, at) + junk + s.substring(Math.min(s.length(), at + 1));
    }
  }

  private static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
