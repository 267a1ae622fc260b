package dev.marquee.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The samples of one server process over a soak and whether anything grew: the median of the first
 * third of the samples taken after the warm-up against the median of the last third (a median, so
 * one sample caught in a passing burst moves neither end; a leak moves every later sample).
 *
 * <p>Slacks, what a process that does not leak may still drift by:
 *
 * <ul>
 *   <li>threads +5: the JVM starts some of its own on demand (compiler threads come and go, G1
 *       starts its parallel and refinement workers as work needs them: 2 cores allow 2 of each);
 *   <li>descriptors +20: the backing-service pools open and recycle connections as bursts need them
 *       (Redis up to 16 plus 4 subscriber connections, PostgreSQL up to 8; each sample's full GC is
 *       such a burst);
 *   <li>client sockets, the connections accepted on the server's port, +3: the steady load's are
 *       constant and a churn round has closed its own before a sample, so only one the server is
 *       still closing or a new keep-alive connection of the test's HTTP clients;
 *   <li>live heap max(8 MiB, 10%): each Redis connection the pool opens brings a 100,000-slot
 *       waiting queue allocated up front ({@code RedisOptions.setMaxWaitingHandlers}: 391 KiB), so
 *       the pool's 16 connections alone can add 6 MiB; beyond that, what is in flight when the full
 *       GC runs and caches that fill to a bound (under 0.5 MiB in our runs).
 * </ul>
 *
 * <p>So a 15-minute soak catches a leak of about 200 bytes a message or 15 KiB a churned session
 * (some 45,000 messages and 560 rounds lie between the two thirds' middles), a thread per 100
 * rounds, a client socket per 150; the 45 s CI run (some 30 rounds apart) a thread per 5 rounds, a
 * client socket per 10, and only gross heap leaks (250 KiB a round).
 */
final class SoakSamples {
  static final int THREAD_SLACK = 5;
  static final int FD_SLACK = 20;
  static final int CLIENT_SOCKET_SLACK = 3;
  static final long HEAP_SLACK_MIN = 8L << 20;
  static final double HEAP_SLACK_RATIO = 0.10;

  final String name;
  private final List<ProcessSample> warmUp = new ArrayList<>();
  private final List<ProcessSample> measured = new ArrayList<>();
  private ProcessSample firstFull;
  private ProcessSample lastFull;

  SoakSamples(String name) {
    this.name = name;
  }

  /** One more sample; those of the warm-up are reported but not compared. */
  synchronized void add(ProcessSample sample, boolean warm) {
    if (warm) {
      warmUp.add(sample.light());
      return;
    }
    if (firstFull == null) {
      firstFull = sample;
    }
    lastFull = sample;
    measured.add(sample.light());
  }

  synchronized int measuredCount() {
    return measured.size();
  }

  /** How one figure moved from the first third to the last. */
  record Growth(String what, double first, double last, double slack, String unit) {
    boolean grew() {
      return last - first > slack;
    }

    @Override
    public String toString() {
      return String.format(
          "%s %.1f -> %.1f%s (%+.1f, slack %.1f)", what, first, last, unit, last - first, slack);
    }
  }

  synchronized List<Growth> growth() {
    Growth heap = growth("live heap", s -> s.liveHeap() / 1048576.0, 0, " MiB");
    double heapSlack = Math.max(HEAP_SLACK_MIN / 1048576.0, heap.first() * HEAP_SLACK_RATIO);
    return List.of(
        new Growth(heap.what(), heap.first(), heap.last(), heapSlack, heap.unit()),
        growth("threads", ProcessSample::threads, THREAD_SLACK, ""),
        growth("fds", ProcessSample::fds, FD_SLACK, ""),
        growth("client sockets", ProcessSample::clientSockets, CLIENT_SOCKET_SLACK, ""));
  }

  private Growth growth(String what, ToDoubleFunction<ProcessSample> f, double slack, String unit) {
    int third = Math.max(1, measured.size() / 3);
    return new Growth(
        what,
        median(measured.subList(0, third), f),
        median(measured.subList(measured.size() - third, measured.size()), f),
        slack,
        unit);
  }

  private static double median(List<ProcessSample> samples, ToDoubleFunction<ProcessSample> f) {
    double[] v = samples.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The figures for the report, with what changed most between the first and last sample. */
  synchronized String summary() {
    StringBuilder s = new StringBuilder(name).append(": ");
    s.append(growth().stream().map(Growth::toString).collect(Collectors.joining(", ")));
    s.append(
        String.format("; %d samples after a %d-sample warm-up", measured.size(), warmUp.size()));
    s.append("\n    heap MiB:");
    all().forEach(p -> s.append(String.format(" %.1f", p.liveHeap() / 1048576.0)));
    s.append("\n    threads:");
    all().forEach(p -> s.append(' ').append(p.threads()));
    s.append("\n    fds:");
    all().forEach(p -> s.append(' ').append(p.fds()));
    s.append("\n    client sockets:");
    all().forEach(p -> s.append(' ').append(p.clientSockets()));
    if (firstFull != null) {
      s.append("\n    classes that grew most (KiB): ")
          .append(top(diff(firstFull.heapByClass(), lastFull.heapByClass()), 8, 1024));
      s.append("\n    thread names that changed: ")
          .append(changed(firstFull.threadNames(), lastFull.threadNames()));
      s.append("\n    descriptors that changed: ")
          .append(changed(firstFull.fdKinds(), lastFull.fdKinds()));
    }
    return s.toString();
  }

  private List<ProcessSample> all() {
    List<ProcessSample> all = new ArrayList<>(warmUp);
    all.addAll(measured);
    return all;
  }

  private static Map<String, Long> diff(
      Map<String, ? extends Number> first, Map<String, ? extends Number> last) {
    Map<String, Long> d = new TreeMap<>();
    last.forEach((k, v) -> d.merge(k, v.longValue(), Long::sum));
    first.forEach((k, v) -> d.merge(k, -v.longValue(), Long::sum));
    d.values().removeIf(v -> v == 0);
    return d;
  }

  private static String top(Map<String, Long> diff, int n, long unit) {
    return diff.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(n)
        .map(e -> e.getKey() + " " + String.format("%+.1f", e.getValue() / (double) unit))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String changed(Map<String, Integer> first, Map<String, Integer> last) {
    return diff(first, last).toString();
  }
}
