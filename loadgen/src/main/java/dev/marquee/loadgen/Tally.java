package dev.marquee.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Counters every event loop adds to during a run: deliveries, latencies, error frames and
 * unexpected closes. Lock-free; read from the main thread between phases.
 */
final class Tally {
  /** Deliveries to displays (the figure "delivered messages" means everywhere). */
  final LongAdder delivered = new LongAdder();

  /** Messages controllers received back (every member gets the session's messages). */
  final LongAdder echoes = new LongAdder();

  /**
   * Send to display receipt, nanoseconds; only for messages sent at or after {@link #recordFrom}.
   */
  final Recorder latency = new Recorder(3);

  /** Start of the WebSocket connect to the upgrade done (TCP + HTTP upgrade), nanoseconds. */
  final Recorder connectLatency = new Recorder(3);

  /** Start of the WebSocket connect to {@code joined}, nanoseconds. */
  final Recorder joinLatency = new Recorder(3);

  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> unexpectedCloses = new ConcurrentHashMap<>();

  /** {@link Rig#now()} from which sent messages count towards {@link #latency}. */
  volatile long recordFrom = Long.MAX_VALUE;

  /** Starts a latency window: messages sent from now on are recorded; older samples dropped. */
  void startRecording() {
    recordFrom = Rig.now();
    latency.reset();
  }

  /** An {@code error} frame received after joining, by its code. */
  void error(String code) {
    errors.computeIfAbsent(String.valueOf(code), k -> new LongAdder()).increment();
  }

  /** A socket the server closed while the generator still needed it, by close code. */
  void unexpectedClose(Short code) {
    unexpectedCloses
        .computeIfAbsent(code == null ? "none" : code.toString(), k -> new LongAdder())
        .increment();
  }

  long unexpectedCloseCount() {
    return unexpectedCloses.values().stream().mapToLong(LongAdder::sum).sum();
  }

  JsonObject errorsJson() {
    return counts(errors);
  }

  JsonObject unexpectedClosesJson() {
    return counts(unexpectedCloses);
  }

  private static JsonObject counts(Map<String, LongAdder> m) {
    JsonObject j = new JsonObject();
    new TreeMap<>(m).forEach((k, v) -> j.put(k, v.sum()));
    return j;
  }
}
