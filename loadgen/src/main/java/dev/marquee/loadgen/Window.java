package dev.marquee.loadgen;

/**
 * A measured window: wall time, deliveries to displays and server CPU between {@link #start} and
 * {@link #stop}; latency samples are taken for messages sent inside it.
 */
final class Window {
  final ServerProbe.Window server;
  private final Tally tally;
  private final long startNanos;
  private final long deliveredAtStart;
  double seconds;
  long delivered;

  private Window(Rig rig, Tally tally) {
    this.tally = tally;
    this.server = rig.probe.window();
    this.deliveredAtStart = tally.delivered.sum();
    this.startNanos = System.nanoTime();
    tally.startRecording();
  }

  static Window start(Rig rig, Tally tally) {
    return new Window(rig, tally);
  }

  void stop() {
    seconds = (System.nanoTime() - startNanos) / 1e9;
    delivered = tally.delivered.sum() - deliveredAtStart;
    server.stop();
  }
}
