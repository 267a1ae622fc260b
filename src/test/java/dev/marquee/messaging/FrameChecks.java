package dev.marquee.messaging;

import dev.marquee.session.SessionCode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What must hold for every input to {@link FrameDecoder}, shared by the fuzz test and the property
 * test: it never throws, refuses only with a documented code, and whatever it accepts is valid and
 * survives encoding (as a client would send it) and decoding again unchanged.
 */
final class FrameChecks {
  private static final Set<String> REFUSALS = Set.of("bad_request", "too_large");

  private FrameChecks() {}

  /**
   * The wire path: bytes that are not UTF-8 never reach the decoder (the socket is closed with
   * 1007); the rest decode without an exception and satisfy {@link #check(String)}.
   */
  static void checkBytes(byte[] bytes) {
    String text = FrameDecoder.utf8(bytes);
    if (text == null) {
      // Lenient decoding (U+FFFD for bad bytes) must be just as safe for the decoder.
      check(new String(bytes, StandardCharsets.UTF_8));
      return;
    }
    if (!new String(bytes, StandardCharsets.UTF_8).equals(text)) {
      throw new AssertionError("strict and lenient UTF-8 disagree on valid input");
    }
    check(text);
  }

  /** Decodes {@code text} and checks the result; returns it. */
  static ClientFrame check(String text) {
    ClientFrame frame = FrameDecoder.decode(text);
    if (frame == null) {
      throw new AssertionError("decode returned null");
    }
    if (frame instanceof ClientFrame.Invalid invalid) {
      checkRefusal(invalid);
      return frame;
    }
    checkValid(frame);
    String encoded = encode(frame);
    ClientFrame again = FrameDecoder.decode(encoded);
    if (!frame.equals(again)) {
      throw new AssertionError("round trip changed " + frame + " into " + again);
    }
    byte[] wire = encoded.getBytes(StandardCharsets.UTF_8);
    if (!encoded.equals(FrameDecoder.utf8(wire))) {
      throw new AssertionError("an accepted frame does not survive UTF-8: " + frame);
    }
    return frame;
  }

  private static void checkRefusal(ClientFrame.Invalid invalid) {
    if (!REFUSALS.contains(invalid.code())) {
      throw new AssertionError("undocumented refusal code " + invalid.code());
    }
    if (invalid.message() == null
        || invalid.message().isBlank()
        || !dev.marquee.api.Text.wellFormed(invalid.message())
        || invalid.message().length() > 200) {
      throw new AssertionError("refusal message must be short, readable text: " + invalid);
    }
    String ref = invalid.ref();
    if (ref != null
        && (ref.length() > FrameDecoder.MAX_REF || !dev.marquee.api.Text.wellFormed(ref))) {
      throw new AssertionError("a refusal echoes a ref the decoder should have refused: " + ref);
    }
  }

  private static void checkValid(ClientFrame frame) {
    if (frame instanceof ClientFrame.Send send) {
      int length = send.text().codePointCount(0, send.text().length());
      require(length >= 1 && length <= FrameDecoder.MAX_TEXT, "text length", frame);
      require(!send.text().isBlank(), "text not blank", frame);
      require(dev.marquee.api.Text.wellFormed(send.text()), "text well-formed", frame);
      require(send.text().indexOf('\0') < 0, "no U+0000 in text (PostgreSQL refuses it)", frame);
      checkRef(send.ref(), frame);
    } else if (frame instanceof ClientFrame.Ping ping) {
      checkRef(ping.ref(), frame);
    } else if (frame instanceof ClientFrame.Join join) {
      require(
          SessionCode.parse(join.session()).filter(join.session()::equals).isPresent(),
          "session is a normalised code",
          frame);
      require(join.role() != null, "role", frame);
      int name = join.name().codePointCount(0, join.name().length());
      require(name >= 1 && name <= FrameDecoder.MAX_NAME, "name length", frame);
      require(dev.marquee.api.Text.wellFormed(join.name()), "name well-formed", frame);
      require(join.name().indexOf('\0') < 0, "no U+0000 in name (PostgreSQL refuses it)", frame);
      require(join.name().equals(join.name().strip()), "name stripped", frame);
      require(
          join.clientId() == null || join.clientId().matches("[A-Za-z0-9._:-]{1,64}"),
          "clientId",
          frame);
      require(join.lastSeq() >= -1, "lastSeq", frame);
      require(
          join.epoch() == null
              || (join.epoch().length() <= 64 && dev.marquee.api.Text.wellFormed(join.epoch())),
          "epoch",
          frame);
    } else {
      require(frame instanceof ClientFrame.Leave, "a known frame", frame);
    }
  }

  private static void checkRef(String ref, ClientFrame frame) {
    require(
        ref == null
            || (ref.length() <= FrameDecoder.MAX_REF && dev.marquee.api.Text.wellFormed(ref)),
        "ref",
        frame);
  }

  private static void require(boolean ok, String what, ClientFrame frame) {
    if (!ok) {
      throw new AssertionError("accepted an invalid frame (" + what + "): " + frame);
    }
  }

  /** The frame as a client sends it. */
  static String encode(ClientFrame frame) {
    JsonObject json = new JsonObject();
    if (frame instanceof ClientFrame.Join join) {
      json.put("type", "join")
          .put("session", join.session())
          .put("role", join.role().wire())
          .put("name", join.name());
      if (join.clientId() != null) {
        json.put("clientId", join.clientId());
      }
      if (join.lastSeq() >= 0) {
        json.put("lastSeq", join.lastSeq());
      }
      if (join.epoch() != null) {
        json.put("epoch", join.epoch());
      }
    } else if (frame instanceof ClientFrame.Send send) {
      json.put("type", "send").put("text", send.text());
      if (send.ref() != null) {
        json.put("ref", send.ref());
      }
    } else if (frame instanceof ClientFrame.Ping ping) {
      json.put("type", "ping");
      if (ping.ref() != null) {
        json.put("ref", ping.ref());
      }
    } else if (frame instanceof ClientFrame.Leave) {
      json.put("type", "leave");
    } else {
      throw new IllegalArgumentException("not a client frame: " + frame);
    }
    return json.encode();
  }
}
