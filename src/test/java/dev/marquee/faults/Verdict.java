package dev.marquee.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link SteadyLoad} saw, checked: every acknowledged message reached every display once, in
 * order, under the seq it was acknowledged with; no refused message reached anyone.
 *
 * @param acked messages acknowledged, all sessions
 * @param refused refusals by error code
 * @param unanswered sends with neither ack nor error (in flight when their socket dropped)
 * @param lost "session/display: message k" for each acknowledged message a display lacks
 * @param problems anomalies in sequences, half-applied refusals, seq mismatches
 * @param reconnects time from a socket's drop to its rejoin
 */
record Verdict(
    int acked,
    Map<String, Integer> refused,
    int unanswered,
    List<String> lost,
    List<String> problems,
    LongSamples reconnects,
    int recoveredFalse,
    Map<String, LongSamples> latencies) {

  static Verdict of(List<LoadMember> members, Map<String, LongSamples> latencies) {
    Map<String, Map<Long, Long>> ackedBySession = ackedBySession(members);
    Map<String, Set<Long>> refusedBySession = refusedBySession(members);
    Map<String, Integer> refused = new TreeMap<>();
    int acked = 0;
    int unanswered = 0;
    int recoveredFalse = 0;
    List<String> lost = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    LongSamples reconnects = new LongSamples();
    for (LoadMember m : members) {
      synchronized (m) {
        m.reconnectNanos.forEach(reconnects::add);
        recoveredFalse += m.recoveredFalse;
        if (m.isController()) {
          acked += m.acked.size();
          unanswered += m.unanswered.size();
          m.refused.values().forEach(code -> refused.merge(code, 1, Integer::sum));
        }
      }
    }
    for (LoadMember m : members) {
      if (m.isController()) {
        continue;
      }
      synchronized (m) {
        Map<Long, Long> kToSeq = ackedBySession.getOrDefault(m.session, Map.of());
        Set<Long> refusedKs = refusedBySession.getOrDefault(m.session, Set.of());
        Set<Long> seenKs = new HashSet<>(m.seen.values());
        m.anomalies.forEach(a -> problems.add(m.clientId + ": " + a));
        kToSeq.forEach(
            (k, seq) -> {
              Long carried = m.seen.get(seq);
              if (!seenKs.contains(k)) {
                lost.add(m.clientId + ": message " + k + " (seq " + seq + ")");
              } else if (carried == null || carried.longValue() != k) {
                problems.add(m.clientId + ": message " + k + " acked as seq " + seq);
              }
            });
        if (lost.stream().anyMatch(l -> l.startsWith(m.clientId + ":"))) {
          // What the member went through, for reading the failure.
          FaultReport.write("trace-" + m.clientId, String.join("\n", m.trace));
        }
        refusedKs.stream()
            .filter(seenKs::contains)
            .forEach(k -> problems.add(m.clientId + ": refused message " + k + " was delivered"));
      }
    }
    return new Verdict(
        acked, refused, unanswered, lost, problems, reconnects, recoveredFalse, latencies);
  }

  /** Acknowledged messages by session: message number -> seq. */
  static Map<String, Map<Long, Long>> ackedBySession(List<LoadMember> members) {
    Map<String, Map<Long, Long>> out = new HashMap<>();
    for (LoadMember m : members) {
      if (m.isController()) {
        synchronized (m) {
          out.put(m.session, new HashMap<>(m.acked));
        }
      }
    }
    return out;
  }

  /** Acknowledged message numbers by session, with when each ack arrived (nanoTime). */
  static Map<String, Map<Long, Long>> ackTimesBySession(List<LoadMember> members) {
    Map<String, Map<Long, Long>> out = new HashMap<>();
    for (LoadMember m : members) {
      if (m.isController()) {
        synchronized (m) {
          out.put(m.session, new HashMap<>(m.ackedAt));
        }
      }
    }
    return out;
  }

  /** Refused message numbers by session. */
  static Map<String, Set<Long>> refusedBySession(List<LoadMember> members) {
    Map<String, Set<Long>> out = new HashMap<>();
    for (LoadMember m : members) {
      if (m.isController()) {
        synchronized (m) {
          // `unconfirmed` is no refusal: the store went away with the message in flight, and the
          // sender is told it may have been saved (docs/reliability.md).
          Set<Long> ks = new HashSet<>();
          m.refused.forEach(
              (k, code) -> {
                if (!code.equals("unconfirmed")) {
                  ks.add(k);
                }
              });
          out.put(m.session, ks);
        }
      }
    }
    return out;
  }

  String summary() {
    StringBuilder s =
        new StringBuilder()
            .append("acked=")
            .append(acked)
            .append(" refused=")
            .append(refused)
            .append(" unanswered=")
            .append(unanswered)
            .append(" lost=")
            .append(lost.size())
            .append(" problems=")
            .append(problems.size())
            .append(" recoveredFalse=")
            .append(recoveredFalse)
            .append("\n  reconnects: ")
            .append(reconnects);
    latencies.forEach(
        (phase, samples) -> {
          if (samples.count() > 0) {
            s.append("\n  latency ").append(phase).append(": ").append(samples);
          }
        });
    return s.toString();
  }
}
