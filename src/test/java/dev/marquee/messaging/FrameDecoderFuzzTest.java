package dev.marquee.messaging;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the frame decoder (Jazzer). A normal test run replays the committed
 * inputs in {@code src/test/resources/dev/marquee/messaging/FrameDecoderFuzzTestInputs/decode/};
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/reliability.md, "Bad input and fuzzing").
 */
class FrameDecoderFuzzTest {

  /** Any bytes a client can put in a text frame: never an exception, never a bad acceptance. */
  @FuzzTest(maxDuration = "2m")
  void decode(byte[] frame) {
    FrameChecks.checkBytes(frame);
  }
}
