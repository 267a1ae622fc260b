package dev.marquee.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One run's result: the JSON line (stdout, and --out) and the readable summary (stderr). {@code ok}
 * is false when a delivery check failed; numbers are reported either way.
 */
final class Report {
  final JsonObject json = new JsonObject();
  private final List<String> lines = new ArrayList<>();
  private final long startedNanos = System.nanoTime();
  private final long startedCpu = generatorCpuNanos();
  private boolean ok = true;

  Report(String scenario, Rig rig) {
    json.put("scenario", scenario)
        .put("ok", true)
        .put("startedAt", Instant.now().toString())
        .put(
            "targets", new JsonArray(rig.targets.stream().map(t -> (Object) t.toString()).toList()))
        .put("instances", rig.targets.size())
        .put("generatorThreads", rig.loops().size());
  }

  void fail(String why) {
    ok = false;
    json.put("ok", false);
    JsonArray reasons = json.getJsonArray("failures");
    if (reasons == null) {
      reasons = new JsonArray();
      json.put("failures", reasons);
    }
    reasons.add(why);
  }

  boolean ok() {
    return ok;
  }

  /** Fails the run when a check found anything wrong; answers whether it was clean. */
  boolean require(Checks c, String where) {
    if (c.unanswered() > 0) {
      fail(where + ": " + c.unanswered() + " sends neither acked nor refused");
    }
    if (c.lost() > 0) {
      fail(where + ": " + c.lost() + " acknowledged deliveries never arrived");
    }
    if (c.duplicates() > 0) {
      fail(where + ": " + c.duplicates() + " duplicate deliveries");
    }
    if (c.outOfOrder() > 0) {
      fail(where + ": " + c.outOfOrder() + " deliveries out of order");
    }
    if (c.stale() > 0) {
      fail(where + ": " + c.stale() + " deliveries of seqs before the member joined");
    }
    return c.clean();
  }

  void line(String format, Object... args) {
    lines.add(String.format(format, args));
  }

  /** Closes the report: elapsed time and the generator's own CPU (it shares the machine). */
  void finish() {
    double elapsed = (System.nanoTime() - startedNanos) / 1e9;
    json.put("elapsedSeconds", round(elapsed, 2));
    long cpu = generatorCpuNanos() - startedCpu;
    if (cpu >= 0) {
      json.put("generatorCpuSeconds", round(cpu / 1e9, 2));
    }
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    b.append("== ").append(json.getString("scenario"));
    b.append(ok ? " OK" : " FAILED");
    b.append(" (").append(json.getValue("elapsedSeconds")).append(" s, ");
    b.append(json.getInteger("instances")).append(" instance(s))\n");
    for (String l : lines) {
      b.append("   ").append(l).append('\n');
    }
    JsonArray failures = json.getJsonArray("failures");
    if (failures != null) {
      for (Object f : failures) {
        b.append("   FAILED: ").append(f).append('\n');
      }
    }
    return b.toString();
  }

  static JsonObject latency(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("p50Ms", ms(h.getValueAtPercentile(50)))
        .put("p90Ms", ms(h.getValueAtPercentile(90)))
        .put("p99Ms", ms(h.getValueAtPercentile(99)))
        .put("p999Ms", ms(h.getValueAtPercentile(99.9)))
        .put("maxMs", ms(h.getMaxValue()));
  }

  static String latencyLine(JsonObject l) {
    return String.format(
        "p50 %s ms, p90 %s ms, p99 %s ms, p99.9 %s ms, max %s ms (%d samples)",
        l.getValue("p50Ms"),
        l.getValue("p90Ms"),
        l.getValue("p99Ms"),
        l.getValue("p999Ms"),
        l.getValue("maxMs"),
        l.getLong("count"));
  }

  static String checksLine(Checks c) {
    return String.format(
        "sent %d, acked %d, refused %d, unanswered %d | lost %d, duplicates %d, out of order %d",
        c.sent(), c.acked(), c.refused(), c.unanswered(), c.lost(), c.duplicates(), c.outOfOrder());
  }

  static String serverLine(JsonObject server, String perKey, String unit) {
    if (!Boolean.TRUE.equals(server.getBoolean("measured"))) {
      return "server CPU/RSS: not measured (give --server-pid)";
    }
    Double kernel = server.getDouble("kernelShare");
    return String.format(
        "server CPU %s s (%s in the kernel), %s us per %s; RSS %s -> %s MiB",
        server.getValue("cpuSeconds"),
        kernel == null ? "none" : Math.round(kernel * 100) + "%",
        server.getValue(perKey),
        unit,
        server.getValue("rssMiBStart"),
        server.getValue("rssMiBEnd"));
  }

  static double ms(long nanos) {
    return round(nanos / 1e6, 3);
  }

  static double round(double v, int places) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  private static long generatorCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
