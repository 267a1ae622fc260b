package dev.marquee.faults;

import java.util.Arrays;

/** Samples in nanoseconds, with percentiles in milliseconds. Not thread-safe. */
final class LongSamples {
  private long[] values = new long[1024];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  int count() {
    return size;
  }

  /** The {@code p}th percentile (0-100) in milliseconds; 0 when empty. */
  double percentileMs(double p) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms",
        size, percentileMs(50), percentileMs(99), percentileMs(100));
  }
}
