package dev.marquee.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One look at a server process from outside, as an operator would take it, without asking the
 * server anything over HTTP (a {@code /metrics} scrape runs on a worker thread, and the worker pool
 * starts a thread per task until it is full: the probe would grow the thread count it measures).
 *
 * @param atS seconds since the soak began
 * @param liveHeap bytes of live objects right after a full GC ({@code jcmd GC.class_histogram},
 *     which collects first: precise, whatever the collector and its region sizes)
 * @param threads the process's threads ({@code /proc/PID/task}), the JVM's own included
 * @param fds open file descriptors ({@code /proc/PID/fd})
 * @param clientSockets descriptors of connections accepted on the server's port (matched through
 *     {@code /proc/PID/net/tcp} and {@code tcp6}), as opposed to its pools' and listener's
 * @param threadNames thread count by name, digits folded ({@code vert.x-eventloo} ...)
 * @param fdKinds descriptor count by kind (socket, pipe, anon_inode:[eventpoll], file)
 * @param heapByClass live bytes by class, for telling what grew
 */
record ProcessSample(
    double atS,
    long liveHeap,
    int threads,
    int fds,
    int clientSockets,
    Map<String, Integer> threadNames,
    Map<String, Integer> fdKinds,
    Map<String, Long> heapByClass) {

  private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  private static final String CLIENT = "socket (client)";
  private static final String LISTEN = "0A";

  /**
   * Samples the server {@code pid} listening on {@code port}: a full GC and heap walk first, then
   * threads and descriptors.
   */
  static ProcessSample of(long pid, int port, double atS) {
    Map<String, Long> byClass = new TreeMap<>();
    long live = histogram(pid, byClass);
    Map<String, Integer> names = threadNames(pid);
    Map<String, Integer> kinds = fdKinds(pid, accepted(pid, port));
    return new ProcessSample(
        atS,
        live,
        names.values().stream().mapToInt(Integer::intValue).sum(),
        kinds.values().stream().mapToInt(Integer::intValue).sum(),
        kinds.getOrDefault(CLIENT, 0),
        names,
        kinds,
        byClass);
  }

  /** This sample without the per-class figures (a long soak keeps hundreds of samples). */
  ProcessSample light() {
    return new ProcessSample(
        atS, liveHeap, threads, fds, clientSockets, threadNames, fdKinds, Map.of());
  }

  /** Runs {@code jcmd PID GC.class_histogram}, fills {@code byClass}, returns the total bytes. */
  private static long histogram(long pid, Map<String, Long> byClass) {
    try {
      Process p =
          new ProcessBuilder(JCMD.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd GC.class_histogram failed: " + out);
      }
      long total = -1;
      for (String line : out.lines().toList()) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 3 && f[0].equals("Total")) {
          total = Long.parseLong(f[2]);
        } else if (f.length >= 4 && f[0].endsWith(":")) {
          byClass.merge(f[3], Long.parseLong(f[2]), Long::sum);
        }
      }
      if (total < 0) {
        throw new IllegalStateException("no Total in jcmd's histogram: " + out);
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Integer> threadNames(long pid) {
    Map<String, Integer> names = new TreeMap<>();
    for (Path task : list(Path.of("/proc", Long.toString(pid), "task"))) {
      try {
        names.merge(
            Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "#"),
            1,
            Integer::sum);
      } catch (NoSuchFileException e) {
        // ended between the listing and the read
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return names;
  }

  /** Inodes of the connections accepted on {@code port} (not its listening socket). */
  private static Set<String> accepted(long pid, int port) {
    String local = String.format(":%04X", port);
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "net", table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(local) && !f[3].equals(LISTEN)) {
            inodes.add(f[9]);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return inodes;
  }

  private static Map<String, Integer> fdKinds(long pid, Set<String> accepted) {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Path fd : list(Path.of("/proc", Long.toString(pid), "fd"))) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        String kind =
            target.startsWith("socket:")
                ? accepted.contains(target.substring(8, target.length() - 1)) ? CLIENT : "socket"
                : target.startsWith("pipe:")
                    ? "pipe"
                    : target.startsWith("anon_inode:") ? target : "file";
        kinds.merge(kind, 1, Integer::sum);
      } catch (NoSuchFileException e) {
        // closed between the listing and the read
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return kinds;
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
