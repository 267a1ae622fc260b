package dev.marquee.history;

import static dev.marquee.history.RecentHistory.WINDOW;
import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.history.RecentHistory.Replay;
import dev.marquee.presence.Role;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RecentHistory} backend promises about the replay window. */
abstract class RecentHistoryContract {

  /** A fresh, empty history; backends sharing a server isolate each call (e.g. by key prefix). */
  protected abstract RecentHistory create();

  RecentHistory history;

  @BeforeEach
  void createHistory() {
    history = create();
  }

  static StoredMessage message(String session, long seq) {
    return new StoredMessage(
        session, seq, 1_764_161_234_567L + seq, "c-1", "Alice", Role.CONTROLLER, "hello " + seq);
  }

  static List<StoredMessage> messages(String session, long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(seq -> message(session, seq)).toList();
  }

  void append(String session, long from, long to) {
    messages(session, from, to).forEach(m -> await(history.append(m)));
  }

  Replay since(String session, long afterSeq, long lastSeq) {
    return await(history.since(session, afterSeq, lastSeq));
  }

  static void assertComplete(Replay replay, List<StoredMessage> expected) {
    assertThat(replay.complete()).as("complete").isTrue();
    assertThat(replay.messages()).containsExactlyElementsOf(expected);
  }

  static void assertIncomplete(Replay replay) {
    assertThat(replay.complete()).as("complete").isFalse();
    assertThat(replay.messages()).as("an incomplete replay carries nothing to write").isEmpty();
  }

  @Test
  void replayIsEveryMessageAfterTheClientsSeqOldestFirst() {
    append("AAAAAA", 1, 10);

    assertComplete(since("AAAAAA", 4, 10), messages("AAAAAA", 5, 10));
    assertComplete(since("AAAAAA", 0, 10), messages("AAAAAA", 1, 10));
  }

  @Test
  void replayStopsAtLastSeq() {
    append("AAAAAA", 1, 10);

    assertComplete(since("AAAAAA", 4, 7), messages("AAAAAA", 5, 7));
  }

  @Test
  void windowWithoutTheNewestSeqCannotReplay() {
    // The seq is taken before the message reaches the window; a client told lastSeq 6 and given
    // only 3..5 as complete would skip 6 when it arrives live.
    append("AAAAAA", 1, 5);

    assertIncomplete(since("AAAAAA", 2, 6));
  }

  @Test
  void windowKeepsTheNewestHundred() {
    int total = WINDOW + 50;
    append("AAAAAA", 1, total);
    long oldestKept = total - WINDOW + 1;

    assertComplete(since("AAAAAA", oldestKept - 1, total), messages("AAAAAA", oldestKept, total));
    assertIncomplete(since("AAAAAA", oldestKept - 2, total));
    assertIncomplete(since("AAAAAA", 0, total));
  }

  @Test
  void clientThatIsUpToDateGetsACompleteEmptyReplay() {
    append("AAAAAA", 1, 10);

    assertComplete(since("AAAAAA", 10, 10), List.of());
    assertComplete(since("ZZZZZZ", 0, 0), List.of());
    assertComplete(since("ZZZZZZ", 7, 7), List.of());
  }

  @Test
  void clientAheadOfTheSessionGetsAnIncompleteReplay() {
    append("AAAAAA", 1, 10);

    assertIncomplete(since("AAAAAA", 11, 10));
    assertIncomplete(since("ZZZZZZ", 5, 0));
  }

  @Test
  void unknownSessionCannotReplayAGap() {
    assertIncomplete(since("ZZZZZZ", 0, 3));
  }

  @Test
  void loadReplacesTheWindow() {
    append("AAAAAA", 1, 10);

    await(history.load("AAAAAA", messages("AAAAAA", 20, 30)));

    assertComplete(since("AAAAAA", 19, 30), messages("AAAAAA", 20, 30));
    assertIncomplete(since("AAAAAA", 5, 30));
  }

  @Test
  void loadKeepsOnlyTheNewestHundred() {
    int total = WINDOW + 50;
    await(history.load("AAAAAA", messages("AAAAAA", 1, total)));
    long oldestKept = total - WINDOW + 1;

    assertComplete(since("AAAAAA", oldestKept - 1, total), messages("AAAAAA", oldestKept, total));
    assertIncomplete(since("AAAAAA", oldestKept - 2, total));
  }

  @Test
  void appendsContinueALoadedWindow() {
    await(history.load("AAAAAA", messages("AAAAAA", 1, 5)));
    append("AAAAAA", 6, 8);

    assertComplete(since("AAAAAA", 3, 8), messages("AAAAAA", 4, 8));
  }

  @Test
  void loadingNothingLeavesAnEmptyWindow() {
    append("AAAAAA", 1, 5);
    await(history.load("AAAAAA", List.of()));

    assertIncomplete(since("AAAAAA", 0, 5));
    assertComplete(since("AAAAAA", 5, 5), List.of());
  }

  @Test
  void dropForgetsTheWindow() {
    append("AAAAAA", 1, 5);
    await(history.drop("AAAAAA"));

    assertIncomplete(since("AAAAAA", 0, 5));
    assertComplete(since("AAAAAA", 5, 5), List.of());
  }

  @Test
  void sessionsHaveTheirOwnWindows() {
    append("BBBBBB", 1, 3);
    append("AAAAAA", 1, WINDOW + 50);
    await(history.drop("CCCCCC"));

    assertComplete(since("BBBBBB", 0, 3), messages("BBBBBB", 1, 3));
    await(history.drop("AAAAAA"));
    assertComplete(since("BBBBBB", 1, 3), messages("BBBBBB", 2, 3));
  }

  @Test
  void windowIsEveryHeldMessageOldestFirst() {
    append("AAAAAA", 1, WINDOW + 5);

    assertThat(await(history.window("AAAAAA")))
        .containsExactlyElementsOf(messages("AAAAAA", 6, WINDOW + 5));
    assertThat(await(history.window("ZZZZZZ"))).isEmpty();
  }

  @Test
  void clearRemovesMessagesThroughTheSeqAndAppendsGoOn() {
    append("AAAAAA", 1, 10);

    await(history.clear("AAAAAA", 6));

    assertThat(await(history.window("AAAAAA")))
        .containsExactlyElementsOf(messages("AAAAAA", 7, 10));
    assertComplete(since("AAAAAA", 6, 10), messages("AAAAAA", 7, 10));
    assertIncomplete(since("AAAAAA", 3, 10));
    append("AAAAAA", 11, 11);
    assertComplete(since("AAAAAA", 8, 11), messages("AAAAAA", 9, 11));
  }

  @Test
  void clearingEverythingLeavesAWindowThatAppendsRefill() {
    append("AAAAAA", 1, 10);
    append("BBBBBB", 1, 2);

    await(history.clear("AAAAAA", Long.MAX_VALUE));
    await(history.clear("CCCCCC", 5));

    assertThat(await(history.window("AAAAAA"))).isEmpty();
    assertIncomplete(since("AAAAAA", 5, 10));
    append("AAAAAA", 11, 12);
    assertComplete(since("AAAAAA", 10, 12), messages("AAAAAA", 11, 12));
    assertThat(await(history.window("BBBBBB"))).hasSize(2);
  }

  @Test
  void retiringASessionLeavesTheOthersAlone() {
    append("AAAAAA", 1, 3);
    append("BBBBBB", 1, 3);

    await(history.retire("AAAAAA"));
    await(history.retire("CCCCCC"));

    assertComplete(since("BBBBBB", 0, 3), messages("BBBBBB", 1, 3));
  }
}
