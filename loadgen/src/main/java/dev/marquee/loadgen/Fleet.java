package dev.marquee.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Sessions with their displays and controllers, the pacing of the controllers' sends (one ticker
 * per event loop), draining and the delivery checks. With several targets a session's controller is
 * on target {@code s} and its displays on the following ones, so every message crosses instances.
 */
final class Fleet {
  /** What controllers put in a message: the send time (for latency), or searchable words. */
  enum Text {
    TIMED,
    WORDS
  }

  static final String[] WORDS = {
    "hello", "world", "lobby", "quiz", "team", "answer", "question", "music", "coffee", "break",
    "schedule", "speaker", "thanks", "great", "talk", "next", "session", "room", "welcome", "lunch"
  };

  private static final long TICK_MS = 1;
  private static final int MAX_BURST = 2_000;

  final Rig rig;
  final Tally tally;
  final List<Session> sessions = new ArrayList<>();
  private final Map<String, Long> joinFailures = new TreeMap<>();
  private final List<Long> tickers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final int messageBytes;
  private final String filler;
  private volatile Text text = Text.TIMED;

  private Fleet(Rig rig, Tally tally, int messageBytes) {
    this.rig = rig;
    this.tally = tally;
    this.messageBytes = messageBytes;
    this.filler = " " + "x".repeat(Math.max(0, messageBytes));
  }

  /**
   * Creates {@code count} sessions and joins {@code displays.applyAsInt(s)} displays and, if asked,
   * one controller to each, at most {@code concurrency} joins in flight. Join failures are counted
   * by reason ({@link #joinFailures()}), not thrown.
   */
  static Fleet open(
      Rig rig,
      Tally tally,
      int count,
      IntUnaryOperator displays,
      boolean controllers,
      boolean checkControllers,
      int concurrency,
      int messageBytes) {
    Fleet f = create(rig, tally, count, concurrency, messageBytes);
    f.joinDisplays(displays, concurrency);
    if (controllers) {
      f.addControllers(concurrency, checkControllers);
    }
    return f;
  }

  /** Creates {@code count} sessions over HTTP, nobody joined yet. */
  static Fleet create(Rig rig, Tally tally, int count, int concurrency, int messageBytes) {
    Fleet f = new Fleet(rig, tally, messageBytes);
    f.createSessions(count, concurrency);
    for (Context loop : rig.loops()) {
      List<Session> mine = new ArrayList<>();
      for (Session s : f.sessions) {
        if (s.ctx == loop) {
          mine.add(s);
        }
      }
      loop.runOnContext(v -> f.tickers.add(rig.vertx.setPeriodic(TICK_MS, id -> f.tick(mine))));
    }
    return f;
  }

  /** Joins {@code displays.applyAsInt(s)} displays to each session s. */
  void joinDisplays(IntUnaryOperator displays, int concurrency) {
    List<int[]> plan = new ArrayList<>();
    for (Session s : sessions) {
      for (int d = 0; d < displays.applyAsInt(s.index); d++) {
        plan.add(new int[] {s.index, d});
      }
    }
    launch(
        plan.size(),
        concurrency,
        i -> {
          Session s = sessions.get(plan.get(i)[0]);
          int d = plan.get(i)[1];
          return joinOn(s, rig.target(s.index + 1 + d), Member.Role.DISPLAY, "display " + d, true);
        });
  }

  /** Joins one controller to every session (on the session's own target). */
  void addControllers(int concurrency, boolean checked) {
    launch(
        sessions.size(),
        concurrency,
        i -> {
          Session s = sessions.get(i);
          return joinOn(s, rig.target(s.index), Member.Role.CONTROLLER, "controller", checked);
        });
  }

  private void createSessions(int count, int concurrency) {
    Session[] made = new Session[count];
    List<String> failures =
        launchRaw(
            count,
            Math.min(concurrency, 64),
            i ->
                rig.createSession(rig.target(i), "load " + i)
                    .map(
                        code -> {
                          made[i] = new Session(i, code, rig.loop(i));
                          return code;
                        }));
    if (!failures.isEmpty()) {
      throw new RunFailure(
          failures.size() + " of " + count + " sessions not created: " + failures.get(0));
    }
    for (Session s : made) {
      sessions.add(s);
    }
  }

  Future<Member> joinOn(Session s, Target t, Member.Role role, String name, boolean checked) {
    Promise<Member> p = Promise.promise();
    s.ctx.runOnContext(v -> Member.join(rig, t, s, role, name, tally, checked).onComplete(p));
    return p.future();
  }

  private void launch(int n, int concurrency, IntFunction<Future<?>> start) {
    for (String reason : launchRaw(n, concurrency, start)) {
      joinFailures.merge(reason, 1L, Long::sum);
    }
  }

  /**
   * Starts {@code n} operations with at most {@code concurrency} in flight, waiting for all (but
   * never past the run's deadline); answers the failure reasons.
   */
  List<String> launchRaw(int n, int concurrency, IntFunction<Future<?>> start) {
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(n);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try {
      for (int i = 0; i < n; i++) {
        if (!slots.tryAcquire((long) (rig.secondsLeft() * 1000), TimeUnit.MILLISECONDS)) {
          throw new RunFailure("setup did not finish within --max-seconds");
        }
        start
            .apply(i)
            .onComplete(
                ar -> {
                  if (ar.failed()) {
                    failures.add(String.valueOf(ar.cause().getMessage()));
                  }
                  slots.release();
                  done.countDown();
                });
      }
      if (!done.await((long) (rig.secondsLeft() * 1000), TimeUnit.MILLISECONDS)) {
        throw new RunFailure("setup did not finish within --max-seconds");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailure("interrupted", e);
    }
    return new ArrayList<>(failures);
  }

  Map<String, Long> joinFailures() {
    return joinFailures;
  }

  long joinFailureCount() {
    return joinFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  int sockets() {
    int n = 0;
    for (Session s : sessions) {
      n += s.displays.size() + s.controllers.size();
    }
    return n;
  }

  void text(Text t) {
    this.text = t;
  }

  /**
   * Every controller sends {@code perController} messages/s from now on (0 stops), at most {@code
   * limit} more messages each.
   */
  void pace(double perController, long limit) {
    for (Context loop : rig.loops()) {
      rig.onContext(
          loop,
          () -> {
            long now = Rig.now();
            for (Session s : sessions) {
              if (s.ctx != loop) {
                continue;
              }
              for (Member c : s.controllers) {
                c.rate = perController;
                c.paceStart = now;
                c.paceSent = 0;
                c.sendLimit = limit;
              }
            }
            return null;
          });
    }
  }

  private void tick(List<Session> mine) {
    long now = Rig.now();
    for (Session s : mine) {
      for (Member c : s.controllers) {
        if (c.rate <= 0 || !c.open()) {
          continue;
        }
        long due = Math.min(c.sendLimit, (long) ((now - c.paceStart) * c.rate / 1e9) + 1);
        long n = Math.min(due - c.paceSent, MAX_BURST);
        for (long k = 0; k < n; k++) {
          c.send(nextText(s));
        }
        c.paceSent += Math.max(0, n);
      }
    }
  }

  String nextText(Session s) {
    if (text == Text.WORDS) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      return "load "
          + WORDS[r.nextInt(WORDS.length)]
          + " "
          + WORDS[r.nextInt(WORDS.length)]
          + " "
          + WORDS[r.nextInt(WORDS.length)]
          + " #"
          + s.sent;
    }
    String t = Long.toString(Rig.now());
    return messageBytes <= t.length() ? t : t + filler.substring(0, messageBytes - t.length());
  }

  /**
   * Stops sending and waits up to {@code seconds} until every send is answered and every open
   * member has every acknowledged seq. Answers whether it got there.
   */
  boolean drain(double seconds) {
    pace(0, 0);
    long end = System.nanoTime() + (long) (Math.min(seconds, rig.secondsLeft() - 1) * 1e9);
    while (true) {
      if (settled()) {
        return true;
      }
      if (System.nanoTime() > end) {
        return false;
      }
      Rig.sleepMillis(20);
    }
  }

  /** Waits (bounded) until every session's controllers have sent at least {@code count} in all. */
  boolean awaitSent(long count, double seconds) {
    long end = System.nanoTime() + (long) (Math.min(seconds, rig.secondsLeft() - 1) * 1e9);
    while (true) {
      boolean all = true;
      for (Context loop : rig.loops()) {
        all &=
            rig.onContext(
                loop,
                () -> {
                  for (Session s : sessions) {
                    if (s.ctx == loop && s.sent < count) {
                      return false;
                    }
                  }
                  return true;
                });
      }
      if (all) {
        return true;
      }
      if (System.nanoTime() > end) {
        return false;
      }
      Rig.sleepMillis(10);
    }
  }

  /** Whether every session is settled right now (see {@link Session#settled()}). */
  boolean settled() {
    for (Context loop : rig.loops()) {
      boolean ok =
          rig.onContext(
              loop,
              () -> {
                for (Session s : sessions) {
                  if (s.ctx == loop && !s.settled()) {
                    return false;
                  }
                }
                return true;
              });
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The delivery checks over every session, read on each session's event loop. */
  Checks checks() {
    Checks total = Checks.ZERO;
    for (Context loop : rig.loops()) {
      total =
          total.plus(
              rig.onContext(
                  loop,
                  () -> {
                    Checks c = Checks.ZERO;
                    for (Session s : sessions) {
                      if (s.ctx == loop) {
                        c = c.plus(Checks.of(s));
                      }
                    }
                    return c;
                  }));
    }
    return total;
  }

  /** Closes every socket from this side and waits (bounded) for the closes. */
  void close() {
    tickers.forEach(rig.vertx::cancelTimer);
    List<Future<Void>> closing = new ArrayList<>();
    for (Context loop : rig.loops()) {
      rig.onContext(
          loop,
          () -> {
            for (Session s : sessions) {
              if (s.ctx == loop) {
                s.displays.forEach(m -> closing.add(m.close()));
                s.controllers.forEach(m -> closing.add(m.close()));
              }
            }
            return null;
          });
    }
    try {
      Rig.await(Future.join(new ArrayList<>(closing)), 10);
    } catch (RunFailure e) {
      // Best effort: the server sees the sockets go when the process exits at the latest.
    }
  }
}
