package dev.marquee.loadgen;

import java.util.List;

/** Bad command-line input: every problem found, reported together; exit code 2. */
final class UsageException extends RuntimeException {
  private final List<String> problems;

  UsageException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  UsageException(String problem) {
    this(List.of(problem));
  }

  List<String> problems() {
    return problems;
  }
}
