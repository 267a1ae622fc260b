package dev.marquee.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: {@code <scenario> [--option value | --flag]...}. Every option is declared in
 * {@link #SPECS} with its per-scenario default, so {@code --help} lists them all and an option that
 * does not apply to the chosen scenario is refused instead of silently ignored. Problems are
 * collected and reported together.
 */
final class Options {
  static final Set<String> SCENARIOS =
      Set.of("fanout", "saturate", "connections", "churn", "history", "smoke");

  /** Hard ceilings no option can lift: the machine caps a process at 20,000 open files. */
  static final int MAX_SOCKETS = 20_000;

  static final int MAX_SECONDS_CEILING = 3_600;
  static final int SEND_RATE_CEILING = 1_000_000;

  private static final String ALL = "fanout,saturate,connections,churn,history,smoke";
  private static final String MESSAGING = "fanout,saturate,churn,history";

  record Spec(String name, String arg, String defaults, String scenarios, String help) {
    boolean flag() {
      return arg == null;
    }

    boolean appliesTo(String scenario) {
      return List.of(scenarios.split(",")).contains(scenario);
    }

    /** The default for {@code scenario}: {@code defaults} is "v" or "scenario=v,scenario=v". */
    String defaultFor(String scenario) {
      if (!defaults.contains("=")) {
        return defaults;
      }
      for (String part : defaults.split(",")) {
        String[] kv = part.split("=", 2);
        if (kv[0].equals(scenario)) {
          return kv[1];
        }
      }
      return "";
    }
  }

  static final List<Spec> SPECS =
      List.of(
          new Spec(
              "url",
              "URL",
              "http://127.0.0.1:3001",
              ALL,
              "base URL of a server instance; repeat or comma-separate for several instances of"
                  + " one deployment (a session's controller and displays are spread over them)"),
          new Spec(
              "server-pid",
              "PID",
              "",
              ALL,
              "PID of a server process on this machine, for server CPU and RSS from /proc;"
                  + " repeatable"),
          new Spec(
              "allow-remote",
              null,
              "",
              ALL,
              "allow --url hosts that are not loopback addresses (never needed on this machine)"),
          new Spec(
              "max-seconds",
              "S",
              "60",
              ALL,
              "wall-clock cap on the whole run, setup and drain included (at most 3600)"),
          new Spec(
              "threads",
              "N",
              Integer.toString(Runtime.getRuntime().availableProcessors()),
              ALL,
              "event loops of the generator"),
          new Spec("json-only", null, "", ALL, "print only the JSON line, no readable summary"),
          new Spec("out", "FILE", "", ALL, "also append the JSON line(s) to FILE"),
          new Spec(
              "seconds",
              "T",
              "fanout=10,connections=10,churn=10,history=10",
              "fanout,connections,churn,history",
              "measured duration (connections: how long the joined sockets are held)"),
          new Spec(
              "warmup",
              "S",
              "fanout=2,saturate=1,churn=1,history=1",
              MESSAGING,
              "seconds of load before measuring starts"),
          new Spec(
              "sessions",
              "S",
              "fanout=10,saturate=10,churn=10,history=4",
              MESSAGING,
              "sessions, each with one controller (churn: sessions the churning clients join)"),
          new Spec(
              "displays",
              "D",
              "fanout=10,saturate=10,churn=2,history=2",
              MESSAGING,
              "displays per session, each checking every delivery"),
          new Spec(
              "rate",
              "R",
              "fanout=100,saturate=100,history=10",
              "fanout,saturate,history",
              "messages/s per controller (saturate: the first step's rate)"),
          new Spec(
              "message-bytes",
              "B",
              "32",
              "fanout,saturate,churn",
              "length of each message text (20..2000); it carries the send time"),
          new Spec(
              "max-send-rate",
              "N",
              "50000",
              MESSAGING,
              "cap on the total messages/s the run may plan to send (at most 1000000)"),
          new Spec(
              "drain-seconds",
              "S",
              "5",
              MESSAGING,
              "how long to wait for late deliveries and acks before counting what never came"),
          new Spec("step-seconds", "S", "5", "saturate", "measured seconds per saturate step"),
          new Spec(
              "step-factor",
              "F",
              "1.5",
              "saturate",
              "each step's rate is the previous one times F"),
          new Spec("max-steps", "N", "12", "saturate", "most steps in one saturate run"),
          new Spec(
              "p99-limit-ms",
              "MS",
              "25",
              "saturate",
              "a step holds while its p99 delivery latency is at most this and nothing is lost"),
          new Spec("connections", "C", "1000", "connections", "joined sockets to open and hold"),
          new Spec("per-session", "N", "100", "connections", "sockets per session (displays)"),
          new Spec(
              "concurrency",
              "N",
              "connections=200,churn=50,history=8",
              "connections,churn,history",
              "connections: joins in flight; churn: client loops; history: HTTP clients"),
          new Spec(
              "warmup-joins",
              "N",
              "1000",
              "connections",
              "sockets joined and closed before measuring, so the server's JIT is warm"),
          new Spec(
              "settle-seconds",
              "S",
              "2",
              "connections",
              "wait after the last join before reading the server's RSS"),
          new Spec(
              "live-heap",
              null,
              "",
              "connections",
              "also read the server's live heap (jcmd GC.class_histogram: a full GC) before the"
                  + " joins and while held, outside the CPU windows; needs jcmd and --server-pid"),
          new Spec(
              "messages-per-connection",
              "N",
              "1",
              "churn",
              "messages each churning client sends (and waits acks for) before it leaves"),
          new Spec(
              "max-cycles",
              "N",
              "100000",
              "churn",
              "cap on connect-join-send-leave cycles in one run"),
          new Spec(
              "seed-messages",
              "N",
              "500",
              "history",
              "messages sent into each session before the HTTP load starts"));

  private final String scenario;
  private final Map<String, List<String>> given;
  private final List<String> problems = new ArrayList<>();

  private Options(String scenario, Map<String, List<String>> given) {
    this.scenario = scenario;
    this.given = given;
  }

  /** Parses {@code args}; {@code --help} anywhere is handled by the caller first. */
  static Options parse(String[] args) {
    List<String> problems = new ArrayList<>();
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new UsageException("name a scenario first: one of " + scenarioList());
    }
    String scenario = args[0];
    if (!SCENARIOS.contains(scenario)) {
      throw new UsageException("unknown scenario '" + scenario + "': use one of " + scenarioList());
    }
    Map<String, List<String>> given = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        problems.add("unexpected argument '" + a + "'");
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Spec spec = spec(name);
      if (spec == null || !spec.appliesTo(scenario)) {
        problems.add(
            spec == null
                ? "unknown option --" + name
                : "--" + name + " does not apply to " + scenario);
        // Skip its value too, so it is not reported again as a stray argument.
        boolean takesValue = spec == null || !spec.flag();
        if (takesValue && value == null && i + 1 < args.length && !args[i + 1].startsWith("--")) {
          i++;
        }
        continue;
      }
      if (spec.flag()) {
        if (value != null) {
          problems.add("--" + name + " takes no value");
        }
        value = "true";
      } else if (value == null) {
        if (i + 1 >= args.length) {
          problems.add("--" + name + " needs a value (" + spec.arg() + ")");
          continue;
        }
        value = args[++i];
      }
      given.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    if (!problems.isEmpty()) {
      throw new UsageException(problems);
    }
    return new Options(scenario, given);
  }

  String scenario() {
    return scenario;
  }

  boolean flag(String name) {
    return given.containsKey(name);
  }

  /** Every value given for a repeatable option, comma-separated lists split. */
  List<String> list(String name) {
    List<String> values = new ArrayList<>();
    List<String> raw = given.getOrDefault(name, List.of(spec(name).defaultFor(scenario)));
    for (String r : raw) {
      for (String part : r.split(",")) {
        if (!part.isBlank()) {
          values.add(part.trim());
        }
      }
    }
    return values;
  }

  String string(String name) {
    List<String> values = given.get(name);
    return values == null ? spec(name).defaultFor(scenario) : values.get(values.size() - 1);
  }

  int integer(String name, int min, int max) {
    String raw = string(name);
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max) {
        problems.add("--" + name + " must be " + min + ".." + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add("--" + name + " must be a whole number, got '" + raw + "'");
      return min;
    }
  }

  double decimal(String name, double min, double max) {
    String raw = string(name);
    try {
      double v = Double.parseDouble(raw.trim());
      if (!(v >= min && v <= max)) {
        problems.add("--" + name + " must be " + min + ".." + max + ", got " + raw);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add("--" + name + " must be a number, got '" + raw + "'");
      return min;
    }
  }

  /** Records a problem found while checking a scenario's plan against the caps. */
  void problem(String message) {
    problems.add(message);
  }

  /** Throws every problem recorded so far at once. */
  void check() {
    if (!problems.isEmpty()) {
      throw new UsageException(List.copyOf(problems));
    }
  }

  static Spec spec(String name) {
    for (Spec s : SPECS) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static String scenarioList() {
    return "fanout, saturate, connections, churn, history, smoke";
  }

  private static void wrap(StringBuilder b, String head, String text) {
    String pad = " ".repeat(29);
    StringBuilder line = new StringBuilder(String.format("%-28s", head));
    if (line.length() > 28) {
      b.append(line).append('\n');
      line = new StringBuilder(pad.substring(1));
    }
    for (String word : text.split(" ")) {
      if (line.length() + 1 + word.length() > 100 && line.length() > 29) {
        b.append(line).append('\n');
        line = new StringBuilder(pad.substring(1));
      }
      line.append(' ').append(word);
    }
    b.append(line).append('\n');
  }

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("usage: bench/load.sh <scenario> [options]   (or java -jar marquee-loadgen.jar)\n\n");
    b.append("scenarios:\n");
    b.append("  fanout       S sessions x (1 controller + D displays), R messages/s each, T s\n");
    b.append("  saturate     raise the rate step by step until p99 passes the limit or loss\n");
    b.append("               appears; reports the highest delivered messages/s that held\n");
    b.append("  connections  open and hold C joined sockets: join rate, CPU per join, RSS per\n");
    b.append("               connection\n");
    b.append("  churn        clients connect, join, send, wait for acks, leave, in a loop\n");
    b.append("  history      HTTP history pages, latest, search and stats under live load\n");
    b.append("  smoke        every scenario for a second or two with small numbers (CI)\n\n");
    b.append("options (default per scenario; an option that does not apply is refused):\n");
    for (Spec s : SPECS) {
      String head = "  --" + s.name() + (s.flag() ? "" : " " + s.arg());
      String defaults = s.defaults().isEmpty() ? "" : " [default " + s.defaults() + "]";
      String scope = s.scenarios().equals(ALL) ? "" : " (" + s.scenarios() + ")";
      wrap(b, head, s.help() + defaults + scope);
    }
    b.append("\nHard caps: ")
        .append(MAX_SOCKETS)
        .append(" sockets per run (and the process's open-file limit), --max-seconds, ")
        .append(
            "--max-send-rate, churn --max-cycles. Only loopback targets unless --allow-remote.\n");
    b.append("Output: one JSON line per run on stdout, a readable summary on stderr.\n");
    b.append(
        "Exit: 0 correct, 1 a delivery check failed, 2 bad usage, 3 run failed or timed out.\n");
    return b.toString();
  }
}
