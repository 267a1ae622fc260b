package dev.marquee.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, fault 5: a soak. Two instances under the suite's steady load plus {@link Churn} (a round
 * a second: a session created and ended, clients joining, sending, leaving or dropping, history and
 * presence read over HTTP) for {@code FAULTS_SOAK_MS} (CI: 45 s; {@code bench/faults.sh}: 15
 * minutes). Every 5 s each server process is sampled from outside ({@link ProcessSample}: live heap
 * after a full GC, threads, file descriptors); after a warm-up none of them grows beyond the slacks
 * {@link SoakSamples} explains, and the load loses, duplicates and reorders nothing.
 */
class SoakIT {
  private static final long SAMPLE_EVERY_MS = 5_000;
  private static final long ROUND_EVERY_MS = 1_000;

  @Test
  void underLoadAndChurnNeitherHeapNorThreadsNorDescriptorsGrow() throws Exception {
    long soakMs = FaultLoad.intEnv("FAULTS_SOAK_MS", 45_000);
    // Long enough for pools to fill and hot paths to compile; a sixth of a long soak, at most 1
    // min.
    long warmUpMs = Math.min(60_000, Math.max(10_000, soakMs / 6));
    Map<String, String> env =
        Map.of("RATE_LIMIT_CONNECTIONS_PER_IP", "1000000", "RATE_LIMIT_HTTP_PER_IP", "1000000");
    try (FaultRig rig = FaultRig.start(2, env);
        SteadyLoad load = new SteadyLoad(2, rig::port)) {
      List<String> codes = rig.sessionsUnder(load);
      List<SoakSamples> samples =
          List.of(new SoakSamples("instance 0"), new SoakSamples("instance 1"));
      load.start(FaultLoad.PERIOD_MS);
      load.phase("soak");
      Churn churn = new Churn(rig, codes);
      long start = System.nanoTime();
      long nextSampleMs = 0;
      for (long round = 1; elapsedMs(start) < soakMs; round++) {
        churn.round();
        if (elapsedMs(start) >= nextSampleMs) {
          sample(rig, samples, start, elapsedMs(start) < warmUpMs);
          nextSampleMs += SAMPLE_EVERY_MS;
        }
        SteadyLoad.sleep(Math.max(0, round * ROUND_EVERY_MS - elapsedMs(start)));
      }
      sample(rig, samples, start, false);
      Verdict verdict = load.finish(Duration.ofSeconds(10));
      double drainS = rig.awaitArchived(load, Duration.ofSeconds(30));

      StringBuilder report =
          new StringBuilder(
              String.format(
                  "%d s under load (first %d s warm-up), 2 instances, %d sessions x (1 controller"
                      + " + %d displays), a message every %d ms per controller",
                  soakMs / 1000,
                  warmUpMs / 1000,
                  FaultLoad.SESSIONS,
                  FaultLoad.DISPLAYS,
                  FaultLoad.PERIOD_MS));
      samples.forEach(s -> report.append("\n  ").append(s.summary()));
      report.append("\n  churn: ").append(churn.summary());
      report.append("\n  load: ").append(verdict.summary());
      report.append(String.format("%n  archived %.2f s after the load stopped", drainS));
      FaultReport.write("soak", report.toString());

      for (SoakSamples s : samples) {
        assertThat(s.measuredCount())
            .as("samples after the warm-up, " + s.name)
            .isGreaterThanOrEqualTo(6);
        assertThat(s.growth().stream().filter(SoakSamples.Growth::grew).toList())
            .as("what grew on " + s.name + " (" + s.summary() + "; logs " + rig.logs() + ")")
            .isEmpty();
      }
      assertThat(churn.failures()).as("churn failures (logs " + rig.logs() + ")").isEmpty();
      assertThat(churn.rounds()).as("churn rounds").isGreaterThanOrEqualTo(10);
      assertThat(verdict.lost()).as("acknowledged but not delivered").isEmpty();
      assertThat(verdict.problems()).as("gaps, duplicates, mismatched seqs").isEmpty();
      assertThat(verdict.refused()).as("refused sends").isEmpty();
      assertThat(verdict.reconnects().count()).as("steady sockets dropped").isZero();
      assertThat(verdict.acked()).isGreaterThan(FaultLoad.SESSIONS * 50);
    }
  }

  private static void sample(FaultRig rig, List<SoakSamples> samples, long start, boolean warm) {
    for (int i = 0; i < rig.instances(); i++) {
      long pid = rig.server(i).process().pid();
      samples.get(i).add(ProcessSample.of(pid, rig.port(i), elapsedMs(start) / 1000.0), warm);
    }
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
