package dev.marquee.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Entry point: {@code java -jar marquee-loadgen.jar <scenario> [options]} (usually through {@code
 * bench/load.sh}). Plans the run, checks it against the caps, runs it under a watchdog, prints one
 * JSON line on stdout and a readable summary on stderr.
 */
public final class Main {
  static final int OK = 0;
  static final int CHECK_FAILED = 1;
  static final int USAGE = 2;
  static final int RUN_FAILED = 3;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.print(Options.help());
      return OK;
    }
    try {
      Options o = Options.parse(args);
      if (o.scenario().equals("smoke")) {
        return Smoke.run(o, out, err);
      }
      return runOne(o, out, err);
    } catch (UsageException e) {
      for (String p : e.problems()) {
        err.println("error: " + p);
      }
      err.println("see --help for every option");
      return USAGE;
    }
  }

  /** Plans, checks and runs one scenario; the exit code. */
  static int runOne(Options o, PrintStream out, PrintStream err) {
    List<Target> targets = Target.parse(o.list("url"), o.flag("allow-remote"));
    ServerProbe probe = ServerProbe.parse(o);
    int maxSeconds = o.integer("max-seconds", 1, Options.MAX_SECONDS_CEILING);
    int threads = o.integer("threads", 1, 64);
    Scenario scenario =
        switch (o.scenario()) {
          case "fanout" -> Fanout.plan(o);
          case "saturate" -> Saturate.plan(o);
          case "connections" -> Connections.plan(o);
          case "churn" -> Churn.plan(o);
          case "history" -> History.plan(o);
          default -> throw new UsageException("unknown scenario " + o.scenario());
        };
    int sockets = scenario.sockets();
    if (sockets > Options.MAX_SOCKETS) {
      o.problem(
          "the plan holds " + sockets + " sockets at once, over the cap of " + Options.MAX_SOCKETS);
    }
    long files = maxOpenFiles();
    if (files > 0 && sockets + 200 > files) {
      o.problem(
          "the plan holds "
              + sockets
              + " sockets but this process may open only "
              + files
              + " files (ulimit -n)");
    }
    String outFile = o.string("out");
    o.check();

    Thread watchdog = watchdog(maxSeconds, err);
    try (Rig rig = new Rig(targets, probe, threads, maxSeconds, sockets)) {
      Report report = scenario.run(rig);
      report.finish();
      String line = report.json.encode();
      out.println(line);
      out.flush();
      if (!outFile.isEmpty()) {
        append(Path.of(outFile), line);
      }
      if (!o.flag("json-only")) {
        err.print(report.summary());
      }
      return report.ok() ? OK : CHECK_FAILED;
    } catch (RunFailure e) {
      err.println("run failed: " + e.getMessage());
      return RUN_FAILED;
    } finally {
      watchdog.interrupt();
    }
  }

  /** Ends the process if a run overstays --max-seconds, whatever it is stuck on. */
  private static Thread watchdog(int maxSeconds, PrintStream err) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxSeconds * 1000L + 5_000);
                err.println("run failed: exceeded --max-seconds " + maxSeconds + "; stopping");
                err.flush();
                Runtime.getRuntime().halt(RUN_FAILED);
              } catch (InterruptedException e) {
                // The run ended in time.
              }
            },
            "loadgen-watchdog");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long maxOpenFiles() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      return os.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private static void append(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new RunFailure("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
