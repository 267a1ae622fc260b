package dev.marquee.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.testing.Eventually;
import dev.marquee.testing.RawWebSocket;
import dev.marquee.testing.TestServer;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every kind of bad input a socket can send gets its documented answer (docs/reliability.md, "Bad
 * input and fuzzing"), and nobody else notices: after each one a second member of the same session
 * and the members of another session still send and receive normally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadFramesTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private TestServer server;

  @BeforeAll
  void start() {
    server = Bystanders.unlimitedServer();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String digits(int n) {
    return "9".repeat(n);
  }

  private static String nested(int depth, String inner) {
    return "[".repeat(depth) + inner + "]".repeat(depth);
  }

  @Test
  void malformedWrongTypedUnknownAndHugeFramesGetBadRequestAndTheSocketStaysOpen() {
    List<String> bad = new ArrayList<>();
    // not JSON, or not one JSON object
    bad.addAll(
        List.of(
            "",
            " ",
            "{",
            "{\"type\":\"send\",\"text\":\"x\"",
            "{\"type\":\"ping\"} trailing",
            "{\"type\":\"ping\"}{\"type\":\"ping\"}",
            "{'type':'ping'}",
            "{type:ping}",
            "null",
            "\"ping\"",
            "42",
            "[{\"type\":\"ping\"}]",
            "{\"type\":\"ping\",\"n\":NaN}"));
    // wrong types
    bad.addAll(
        List.of(
            "{}",
            "{\"type\":null}",
            "{\"type\":[\"send\"]}",
            "{\"type\":{\"send\":true}}",
            "{\"type\":\"send\",\"text\":[\"x\"]}",
            "{\"type\":\"send\",\"text\":null}",
            "{\"type\":\"send\",\"text\":true}",
            "{\"type\":\"ping\",\"ref\":5}",
            "{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}"));
    // unknown type
    bad.addAll(
        List.of(
            "{\"type\":\"shout\"}",
            "{\"type\":\"\"}",
            "{\"type\":\"SEND\",\"text\":\"x\"}",
            "{\"type\":\"send \",\"text\":\"x\"}",
            "{\"type\":\"" + "t".repeat(5000) + "\"}"));
    // huge numbers and deep nesting
    bad.addAll(
        List.of(
            "{\"type\":\"send\",\"text\":1e400}",
            "{\"type\":\"send\",\"text\":" + digits(40) + "}",
            "{\"type\":\"send\",\"text\":\"x\",\"ref\":" + digits(30) + "}",
            "{\"type\":\"ping\",\"n\":" + digits(1200) + "}",
            "{\"type\":\"ping\",\"n\":" + nested(1500, "1") + "}",
            nested(3000, "")));
    String code;
    try (Bystanders b = new Bystanders(server);
        WsClient offender = server.ws()) {
      code = b.code;
      offender.join(b.code, "controller", "Offender");
      for (String frame : bad) {
        String label = frame.length() > 60 ? frame.substring(0, 60) + "..." : frame;
        offender.sendRaw(frame);
        JsonObject error = offender.next();
        assertThat(error.getString("type")).as(label).isEqualTo("error");
        assertThat(error.getString("code")).as(label).isEqualTo("bad_request");
        assertThat(error.getString("message")).as(label).isNotBlank();
        assertThat(error.encode().length()).as("the answer stays short").isLessThan(300);
      }
      b.untouched("every malformed frame");
      // The offender itself is still a member in good standing.
      offender.send(ProtocolContract.send("I am fine", "fine"));
      assertThat(offender.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(b.display.next("message").getString("text")).isEqualTo("I am fine");
      assertThat(b.peer.next("message").getString("text")).isEqualTo("I am fine");
    }
    assertThat(code).isNotBlank();
  }

  @Test
  void extraFieldsAndNestingWithinTheLimitsAreIgnored() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws()) {
      c.join(b.code, "controller", "Eve");
      c.sendRaw(
          "{\"type\":\"send\",\"text\":\"nested\",\"ref\":\"n\",\"extra\":"
              + nested(200, "{\"deep\":" + digits(40) + "}")
              + ",\"big\":1e400}");
      assertThat(c.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(b.display.next("message").getString("text")).isEqualTo("nested");
      assertThat(b.peer.next("message").getString("text")).isEqualTo("nested");
      b.untouched("nesting");
    }
  }

  @Test
  void hugeOrNegativeLastSeqIsBadRequestAndTheMaximumIsHarmless() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws()) {
      for (String lastSeq : List.of("1e400", digits(30), "-1", "1.5", "\"41\"")) {
        c.sendRaw(
            "{\"type\":\"join\",\"session\":\""
                + b.code
                + "\",\"role\":\"display\",\"lastSeq\":"
                + lastSeq
                + "}");
        JsonObject error = c.next();
        assertThat(error.getString("code")).as(lastSeq).isEqualTo("bad_request");
      }
      JsonObject joined =
          c.join(
              new JsonObject()
                  .put("session", b.code)
                  .put("role", "display")
                  .put("lastSeq", Long.MAX_VALUE));
      assertThat(joined.getBoolean("recovered")).isNotNull();
      b.untouched("huge lastSeq");
      assertThat(c.next("message").getString("text")).startsWith("after huge lastSeq");
    }
  }

  @Test
  void aSendBeforeJoinGetsNotJoinedAndTheSocketCanStillJoin() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws()) {
      for (String frame :
          List.of(
              "{\"type\":\"send\",\"text\":\"early\",\"ref\":\"e-1\"}",
              "{\"type\":\"ping\",\"ref\":\"p-1\"}",
              "{\"type\":\"leave\"}")) {
        c.sendRaw(frame);
        JsonObject error = c.next();
        assertThat(error.getString("code")).as(frame).isEqualTo("not_joined");
      }
      c.sendRaw("{\"type\":\"send\",\"text\":\"early\",\"ref\":\"e-2\"}");
      assertThat(c.next().getString("ref")).isEqualTo("e-2");
      c.join(b.code, "controller", "Late");
      // "early" was neither stored nor delivered: the first message the display sees is this one.
      b.untouched("a send before join");
    }
  }

  @Test
  void aFrameOver16KiBClosesOnlyThatSocketWith1009() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws();
        WsClient atTheLimit = server.ws()) {
      c.join(b.code, "controller", "Big");
      atTheLimit.join(b.code, "controller", "Edge");
      // Exactly 16 KiB is still read (and refused for its text), one byte more is not.
      String prefix = "{\"type\":\"send\",\"ref\":\"edge\",\"text\":\"";
      String exact = prefix + "y".repeat(16 * 1024 - prefix.length() - 2) + "\"}";
      assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(16 * 1024);
      atTheLimit.sendRaw(exact);
      assertThat(atTheLimit.next("error").getString("code")).isEqualTo("too_large");
      String over = prefix + "y".repeat(16 * 1024 - prefix.length() - 1) + "\"}";
      c.sendRaw(over);
      assertThat(c.awaitClose()).isEqualTo(1009);
      b.untouched("a frame over 16 KiB");
      atTheLimit.send(ProtocolContract.send("edge still here", "e"));
      assertThat(atTheLimit.nextAnswer().getString("type")).isEqualTo("ack");
    }
  }

  @Test
  void aMessageOver16KiBInFragmentsClosesWith1009() {
    try (Bystanders b = new Bystanders(server);
        RawWebSocket raw = RawWebSocket.connect(server.port())) {
      byte[] chunk = "z".repeat(4096).getBytes(StandardCharsets.UTF_8);
      raw.sendFrame(false, RawWebSocket.TEXT, "{\"type\":\"ping\",\"pad\":\"".getBytes());
      for (int i = 0; i < 5; i++) {
        raw.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
      }
      raw.sendFrame(true, RawWebSocket.CONTINUATION, "\"}".getBytes());
      assertThat(raw.awaitClose()).isEqualTo(1009);
      b.untouched("a fragmented message over 16 KiB");
    }
  }

  @Test
  void aSingleFrameOver256KiBDropsTheConnection() {
    try (Bystanders b = new Bystanders(server);
        RawWebSocket raw = RawWebSocket.connect(server.port())) {
      boolean resetWhileSending = false;
      try {
        raw.sendText(new byte[300 * 1024]);
      } catch (java.io.UncheckedIOException e) {
        // The server dropped the connection before it had read the whole frame (with the epoll
        // transport it can reset it while the client still writes): dropped all the same.
        resetWhileSending = true;
      }
      if (!resetWhileSending) {
        assertThat(raw.awaitClose()).isIn(1009, RawWebSocket.NO_CLOSE_FRAME);
      }
      b.untouched("a frame over 256 KiB");
    }
  }

  @Test
  void textThatIsNotUtf8ClosesWith1007() {
    byte[] prefix = "{\"type\":\"ping\",\"ref\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
    List<byte[]> invalid =
        List.of(
            new byte[] {(byte) 0xC3, 0x28}, // a lead byte without its continuation
            new byte[] {(byte) 0x80}, // a lone continuation byte
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            new byte[] {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}); // over U+10FFFF
    try (Bystanders b = new Bystanders(server)) {
      for (byte[] bad : invalid) {
        byte[] frame = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(bad, 0, frame, prefix.length, bad.length);
        System.arraycopy(suffix, 0, frame, prefix.length + bad.length, suffix.length);
        try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
          raw.sendText(frame);
          assertThat(raw.awaitClose()).as(java.util.HexFormat.of().formatHex(bad)).isEqualTo(1007);
        }
      }
      b.untouched("text that is not UTF-8");
    }
  }

  @Test
  void validUtf8OverARawSocketIsAnswered() {
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendText("{\"type\":\"ping\",\"ref\":\"ü-€-😀\"}");
      JsonObject error = new JsonObject(raw.nextText());
      assertThat(error.getString("code")).isEqualTo("not_joined");
    }
  }

  @Test
  void loneSurrogatesInJsonEscapesAreBadRequest() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws()) {
      c.join(b.code, "controller", "Eve");
      for (String text : List.of("\\ud800", "a\\udc00b", "\\ud83d", "x\\ud83dx")) {
        c.sendRaw("{\"type\":\"send\",\"ref\":\"s\",\"text\":\"" + text + "\"}");
        JsonObject error = c.nextAnswer();
        assertThat(error.getString("code")).as(text).isEqualTo("bad_request");
      }
      c.sendRaw("{\"type\":\"send\",\"ref\":\"pair\",\"text\":\"\\ud83d\\ude00\"}");
      assertThat(c.nextAnswer().getString("type")).isEqualTo("ack");
      assertThat(b.display.next("message").getString("text")).isEqualTo("😀");
      assertThat(b.peer.next("message").getString("text")).isEqualTo("😀");
      b.untouched("lone surrogates");
    }
  }

  @Test
  void aNulCharacterWhichPostgresCannotStoreIsBadRequest() {
    try (Bystanders b = new Bystanders(server);
        WsClient c = server.ws()) {
      c.sendRaw(
          "{\"type\":\"join\",\"session\":\""
              + b.code
              + "\",\"role\":\"controller\",\"name\":\"Nul\\u0000Name\"}");
      assertThat(c.next().getString("code")).isEqualTo("bad_request");
      c.join(b.code, "controller", "Nul");
      c.sendRaw("{\"type\":\"send\",\"ref\":\"nul\",\"text\":\"a\\u0000b\"}");
      JsonObject refused = c.nextAnswer();
      assertThat(refused.getString("code")).isEqualTo("bad_request");
      assertThat(refused.getString("ref")).isEqualTo("nul");
      b.untouched("a NUL character");
      c.send(ProtocolContract.send("after the NUL", "ok"));
      assertThat(c.nextAnswer().getString("type")).isEqualTo("ack");
      Eventually.until(
          WAIT,
          () -> server.get("/api/session/" + b.code + "/history").body().contains("after the NUL"),
          "the later message in history");
      JsonObject history = new JsonObject(server.get("/api/session/" + b.code + "/history").body());
      assertThat(history.getInteger("total")).isEqualTo(2);
    }
  }
}
