package dev.marquee.loadgen;

import java.util.BitSet;

/**
 * What one member of a session received, by seq: a bit per seq after the member's starting point
 * ({@code joined.lastSeq}), so duplicates, out-of-order arrivals and (at the end) missing seqs are
 * exact. Touched only from the member's event loop.
 */
final class SeqCheck {
  private final long base;
  private final BitSet seen = new BitSet();
  private long highest;
  private long received;
  private long duplicates;
  private long outOfOrder;
  private long stale;

  /** {@code base} is the last seq the member had before it joined; it expects base+1 onwards. */
  SeqCheck(long base) {
    this.base = base;
    this.highest = base;
  }

  /** Records one delivery of {@code seq}. */
  void record(long seq) {
    if (seq <= base) {
      stale++;
      return;
    }
    long offset = seq - base;
    if (offset > Integer.MAX_VALUE - 1) {
      stale++;
      return;
    }
    int i = (int) offset;
    if (seen.get(i)) {
      duplicates++;
      return;
    }
    if (seq < highest) {
      outOfOrder++;
    } else {
      highest = seq;
    }
    seen.set(i);
    received++;
  }

  long base() {
    return base;
  }

  /** Distinct seqs received. */
  long received() {
    return received;
  }

  long highest() {
    return highest;
  }

  /** A seq received again. */
  long duplicates() {
    return duplicates;
  }

  /** A seq received after a higher one. */
  long outOfOrder() {
    return outOfOrder;
  }

  /** A seq at or before the member's starting point (a replay nobody asked for). */
  long stale() {
    return stale;
  }

  /** Seqs in (base, upTo] never received. */
  long missingUpTo(long upTo) {
    if (upTo <= base) {
      return 0;
    }
    int end = (int) Math.min(upTo - base, Integer.MAX_VALUE - 1);
    return end - seen.get(1, end + 1).cardinality();
  }

  /** Seqs in (base, upTo] received: the cheap progress check while draining. */
  boolean hasAllUpTo(long upTo) {
    return upTo <= base || (received >= upTo - base && missingUpTo(upTo) == 0);
  }
}
