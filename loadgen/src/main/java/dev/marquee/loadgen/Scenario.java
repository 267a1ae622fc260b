package dev.marquee.loadgen;

/** A planned run: options read and checked against the caps, nothing connected yet. */
interface Scenario {
  /** The most sockets the run will hold at once (checked against the caps before it starts). */
  int sockets();

  /** Runs against {@code rig} and reports; throws {@link RunFailure} when it cannot go on. */
  Report run(Rig rig);
}
