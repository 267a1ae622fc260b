package dev.marquee.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code smoke}: every scenario for a second or two with small numbers, one after another against
 * the same targets, so CI runs the whole generator without measuring anything. The exit code is the
 * worst of the runs.
 */
final class Smoke {
  private Smoke() {}

  static final List<List<String>> RUNS =
      List.of(
          List.of(
              "fanout",
              "--sessions",
              "3",
              "--displays",
              "4",
              "--rate",
              "20",
              "--seconds",
              "2",
              "--warmup",
              "0"),
          List.of(
              "saturate",
              "--sessions",
              "2",
              "--displays",
              "3",
              "--rate",
              "20",
              "--warmup",
              "0",
              "--step-seconds",
              "1",
              "--step-factor",
              "2",
              "--max-steps",
              "3",
              "--p99-limit-ms",
              "60000"),
          List.of(
              "connections",
              "--connections",
              "300",
              "--per-session",
              "50",
              "--concurrency",
              "50",
              "--seconds",
              "1",
              "--settle-seconds",
              "0"),
          List.of(
              "churn",
              "--sessions",
              "2",
              "--displays",
              "2",
              "--concurrency",
              "4",
              "--seconds",
              "2",
              "--warmup",
              "0",
              "--messages-per-connection",
              "2"),
          List.of(
              "history",
              "--sessions",
              "2",
              "--displays",
              "1",
              "--rate",
              "10",
              "--seed-messages",
              "60",
              "--concurrency",
              "4",
              "--seconds",
              "2",
              "--warmup",
              "0"));

  static int run(Options o, PrintStream out, PrintStream err) {
    List<String> common = new ArrayList<>();
    for (String url : o.list("url")) {
      common.add("--url");
      common.add(url);
    }
    for (String pid : o.list("server-pid")) {
      common.add("--server-pid");
      common.add(pid);
    }
    for (String flag : List.of("allow-remote", "json-only")) {
      if (o.flag(flag)) {
        common.add("--" + flag);
      }
    }
    for (String opt : List.of("max-seconds", "threads", "out")) {
      if (!o.string(opt).isEmpty()) {
        common.add("--" + opt);
        common.add(o.string(opt));
      }
    }
    int worst = Main.OK;
    for (List<String> run : RUNS) {
      List<String> args = new ArrayList<>(run);
      args.addAll(common);
      int code = Main.runOne(Options.parse(args.toArray(String[]::new)), out, err);
      worst = Math.max(worst, code);
    }
    return worst;
  }
}
