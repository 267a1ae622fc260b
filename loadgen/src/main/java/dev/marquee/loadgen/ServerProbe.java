package dev.marquee.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Server CPU and memory from {@code /proc} of the server processes named by {@code --server-pid}:
 * user+system time from {@code /proc/<pid>/stat}, resident memory from {@code VmRSS} in {@code
 * /proc/<pid>/status}. Summed over all PIDs; with none given every reading is absent.
 */
final class ServerProbe {
  /** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
  static final long CLOCK_TICKS = clockTicks();

  private final List<Long> pids;

  ServerProbe(List<Long> pids) {
    this.pids = List.copyOf(pids);
  }

  static ServerProbe parse(Options o) {
    List<Long> pids = new ArrayList<>();
    for (String raw : o.list("server-pid")) {
      try {
        long pid = Long.parseLong(raw);
        if (!Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"))) {
          o.problem("--server-pid " + pid + ": no such process on this machine");
        }
        pids.add(pid);
      } catch (NumberFormatException e) {
        o.problem("--server-pid must be a process id, got '" + raw + "'");
      }
    }
    return new ServerProbe(pids);
  }

  boolean enabled() {
    return !pids.isEmpty();
  }

  List<Long> pids() {
    return pids;
  }

  /** Total CPU seconds (user+system) of the server processes so far; NaN without PIDs. */
  double cpuSeconds() {
    return seconds(ServerProbe::ticks);
  }

  /**
   * Of {@link #cpuSeconds}, the seconds spent in the kernel (system time: syscalls, and on loopback
   * the receiving side's TCP processing, which the sender's {@code send(2)} runs); NaN without
   * PIDs.
   */
  double kernelSeconds() {
    return seconds(ServerProbe::systemTicks);
  }

  private double seconds(java.util.function.LongUnaryOperator ticksOfPid) {
    if (pids.isEmpty()) {
      return Double.NaN;
    }
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticksOfPid.applyAsLong(pid);
    }
    return (double) ticks / CLOCK_TICKS;
  }

  /** Total resident memory of the server processes in KiB; -1 without PIDs. */
  long rssKib() {
    if (pids.isEmpty()) {
      return -1;
    }
    long kib = 0;
    for (long pid : pids) {
      kib += rss(pid);
    }
    return kib;
  }

  /**
   * Total live heap of the server processes in bytes, from {@code jcmd <pid> GC.class_histogram}
   * (which runs a full GC first, so only reachable objects count). For {@code --live-heap} only:
   * the collection itself costs the server CPU and pauses it, so callers read it outside CPU
   * windows.
   */
  long liveHeapBytes() {
    long bytes = 0;
    for (long pid : pids) {
      bytes += liveHeap(pid);
    }
    return bytes;
  }

  private static long liveHeap(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new RunFailure("jcmd " + pid + " GC.class_histogram failed: " + tail(out));
      }
      for (String line : out.split("\n")) {
        if (line.startsWith("Total")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[f.length - 1]);
        }
      }
      throw new RunFailure("jcmd " + pid + " printed no heap total: " + tail(out));
    } catch (IOException e) {
      throw new RunFailure("--live-heap needs the JDK's jcmd (" + jcmd + "): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted while reading the live heap");
    }
  }

  private static String tail(String out) {
    return out.length() > 300 ? out.substring(out.length() - 300) : out;
  }

  /** CPU from the {@code stat} line: fields 14 and 15, counted after the ")" of the name. */
  static long ticks(long pid) {
    String[] f = statFields(pid);
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long systemTicks(long pid) {
    return Long.parseLong(statFields(pid)[12]);
  }

  /**
   * Fields of {@code /proc/<pid>/stat} from field 3 (state): utime (14) is [11], stime (15) [12].
   */
  private static String[] statFields(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  static long rss(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("server process gone? cannot read " + p, e);
    }
  }

  /** A window of server CPU: start it, then read what was spent per unit of work. */
  final class Window {
    private final double cpuStart = cpuSeconds();
    private final double kernelStart = kernelSeconds();
    private double kernelSpent = Double.NaN;
    private final long rssStart = rssKib();
    private double cpuSpent = Double.NaN;
    private long rssEnd = -1;

    void stop() {
      cpuSpent = cpuSeconds() - cpuStart;
      kernelSpent = kernelSeconds() - kernelStart;
      rssEnd = rssKib();
    }

    double cpuSpent() {
      return cpuSpent;
    }

    /**
     * The window's readings, with CPU per unit of {@code work} in microseconds under {@code key}.
     */
    JsonObject json(String key, long work) {
      JsonObject j = new JsonObject().put("pids", new JsonArray(new ArrayList<Object>(pids)));
      if (!enabled()) {
        return j.put("measured", false);
      }
      j.put("measured", true)
          .put("cpuSeconds", Report.round(cpuSpent, 3))
          .put("kernelShare", cpuSpent > 0 ? Report.round(kernelSpent / cpuSpent, 3) : null)
          .put("rssMiBStart", Report.round(rssStart / 1024.0, 1))
          .put("rssMiBEnd", Report.round(rssEnd / 1024.0, 1));
      if (key != null) {
        j.put(key, work > 0 ? Report.round(cpuSpent * 1e6 / work, 2) : null);
      }
      return j;
    }
  }

  Window window() {
    return new Window();
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
