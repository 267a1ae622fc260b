package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code churn}: --concurrency client loops, each over and over: open a socket, join a session as a
 * controller, send --messages-per-connection messages, wait for their acks, send {@code leave} and
 * wait for the server to close. Each session keeps D displays that must receive every acknowledged
 * message in order throughout. Bounded by time and --max-cycles.
 */
final class Churn implements Scenario {
  private static final long CYCLE_TIMEOUT_MS = 15_000;

  private final LiveRun.Plan plan;
  private final int workers;
  private final int messages;
  private final int messageBytes;
  private final long maxCycles;

  private volatile boolean stopping;
  private final AtomicLong started = new AtomicLong();
  private final LongAdder cycles = new LongAdder();
  private final Recorder cycleLatency = new Recorder(3);
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private CountDownLatch idle;
  private long cyclesBefore;

  private Churn(Options o) {
    plan = LiveRun.Plan.read(o, Options.MAX_SOCKETS);
    workers = o.integer("concurrency", 1, 2_000);
    messages = o.integer("messages-per-connection", 0, 1_000);
    messageBytes = o.integer("message-bytes", 20, 2000);
    maxCycles = o.integer("max-cycles", 1, 10_000_000);
    Plans.duration(o, plan.timedSeconds() + 10);
  }

  static Churn plan(Options o) {
    return new Churn(o);
  }

  @Override
  public int sockets() {
    return plan.sessions() * plan.displays() + workers;
  }

  @Override
  public Report run(Rig rig) {
    LiveRun run =
        LiveRun.open(
            rig,
            "churn",
            plan,
            false,
            messageBytes,
            planned ->
                planned
                    .report
                    .json
                    .put("concurrency", workers)
                    .put("messagesPerConnection", messages)
                    .put("seconds", plan.seconds())
                    .put("warmupSeconds", plan.warmup())
                    .put("maxCycles", maxCycles));
    Fleet f = run.fleet;
    Tally t = run.tally;

    idle = new CountDownLatch(workers);
    for (int w = 0; w < workers; w++) {
      Session s = f.sessions.get(w % plan.sessions());
      Target target = rig.target(s.index + w);
      s.ctx.runOnContext(v -> cycle(rig, f, t, s, target));
    }
    Window w =
        run.measure(
            () -> {
              cyclesBefore = cycles.sum();
              t.joinLatency.reset();
              t.connectLatency.reset();
              cycleLatency.reset();
            });
    long inWindow = cycles.sum() - cyclesBefore;
    Histogram joins = t.joinLatency.getIntervalHistogram();
    Histogram connects = t.connectLatency.getIntervalHistogram();
    Histogram cycleHist = cycleLatency.getIntervalHistogram();
    stopping = true;
    boolean workersDone;
    try {
      workersDone =
          idle.await(
              (long) Math.min(CYCLE_TIMEOUT_MS + 2_000, rig.secondsLeft() * 1000 - 3_000),
              TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted", e);
    }
    LiveRun.Outcome o = run.drain("cpuUsPerCycle", "cycle", inWindow);

    Report r = run.report;
    JsonObject failed = new JsonObject();
    new TreeMap<>(failures).forEach((k, v) -> failed.put(k, v.sum()));
    r.json
        .put("cycles", cycles.sum())
        .put("cyclesInWindow", inWindow)
        .put("cyclesPerSecond", Report.round(inWindow / w.seconds, 1))
        .put("connectLatency", Report.latency(connects))
        .put("joinLatency", Report.latency(joins))
        .put("cycleLatency", Report.latency(cycleHist))
        .put("cycleFailures", failed);
    r.line(
        "%d client loops over %d sessions (%d displays each), %d message(s) per connection",
        workers, plan.sessions(), plan.displays(), messages);
    r.line(
        "%d cycles in %.1f s: %.1f connect-join-send-leave cycles/s",
        inWindow, w.seconds, inWindow / w.seconds);
    r.line("upgrade %s", Report.latencyLine(Report.latency(connects)));
    r.line("join %s", Report.latencyLine(Report.latency(joins)));
    r.line("cycle %s", Report.latencyLine(Report.latency(cycleHist)));
    run.report(o, "delivery latency");
    if (!failed.isEmpty()) {
      r.fail("cycles failed: " + failed.encode());
    }
    if (!workersDone) {
      r.fail("client loops still busy " + CYCLE_TIMEOUT_MS + " ms after the end");
    }
    if (cycles.sum() == 0) {
      r.fail("no cycle completed");
    }
    return r;
  }

  /** One connect-join-send-leave cycle on the session's event loop, then the next. */
  private void cycle(Rig rig, Fleet f, Tally t, Session s, Target target) {
    if (stopping || started.incrementAndGet() > maxCycles) {
      idle.countDown();
      return;
    }
    long begin = System.nanoTime();
    boolean[] done = {false};
    Runnable next =
        () -> {
          if (!done[0]) {
            done[0] = true;
            cycle(rig, f, t, s, target);
          }
        };
    Member.join(rig, target, s, Member.Role.CONTROLLER, "churn", t, false)
        .onFailure(
            e -> {
              fail(String.valueOf(e.getMessage()));
              rig.vertx.setTimer(50, id -> next.run());
            })
        .onSuccess(
            m -> {
              long timer =
                  rig.vertx.setTimer(
                      CYCLE_TIMEOUT_MS,
                      id -> {
                        fail("no acks and close within " + CYCLE_TIMEOUT_MS + " ms");
                        s.controllers.remove(m);
                        m.close();
                        next.run();
                      });
              Runnable leave =
                  () ->
                      m.leave()
                          .onComplete(
                              v -> {
                                rig.vertx.cancelTimer(timer);
                                s.controllers.remove(m);
                                if (!done[0]) {
                                  cycles.increment();
                                  cycleLatency.recordValue(System.nanoTime() - begin);
                                }
                                next.run();
                              });
              int[] answered = {0};
              m.onAnswer(
                  () -> {
                    if (++answered[0] == messages) {
                      leave.run();
                    }
                  });
              for (int k = 0; k < messages; k++) {
                m.send(f.nextText(s));
              }
              if (messages == 0) {
                leave.run();
              }
            });
  }

  private void fail(String reason) {
    String key = reason.length() > 80 ? reason.substring(0, 80) : reason;
    failures.computeIfAbsent(key, k -> new LongAdder()).increment();
  }
}
