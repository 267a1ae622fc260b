package dev.marquee.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints a fault run's figures and keeps them in {@code target/faults/NAME.txt}. */
final class FaultReport {
  private FaultReport() {}

  static void write(String name, String text) {
    System.out.println("[faults] " + name + ": " + text);
    try {
      Path dir = Path.of("target", "faults");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".txt"), text + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
