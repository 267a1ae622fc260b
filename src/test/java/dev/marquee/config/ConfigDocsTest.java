package dev.marquee.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The documented configuration is the real one: names in README and .env.example, defaults. */
class ConfigDocsTest {

  /** Every variable {@link Config#fromEnv} reads, recorded as it reads them. */
  static Set<String> variablesRead() {
    Set<String> seen = new TreeSet<>();
    Map<String, String> recording =
        new HashMap<>() {
          @Override
          public String get(Object key) {
            seen.add((String) key);
            return super.get(key);
          }
        };
    Config.fromEnv(recording);
    return seen;
  }

  static Map<String, String> envExample() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(".env.example"))) {
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int eq = t.indexOf('=');
      out.put(t.substring(0, eq), t.substring(eq + 1));
    }
    return out;
  }

  @Test
  void envExampleListsExactlyTheVariablesTheServerReads() throws IOException {
    assertThat(envExample().keySet()).containsExactlyInAnyOrderElementsOf(variablesRead());
  }

  @Test
  void envExampleDefaultsAreTheRealDefaults() throws IOException {
    Map<String, String> set = new HashMap<>();
    envExample()
        .forEach(
            (k, v) -> {
              if (!v.isEmpty()) {
                set.put(k, v);
              }
            });
    assertThat(Config.fromEnv(set)).isEqualTo(Config.fromEnv(Map.of()));
  }

  @Test
  void theReadmeTableDocumentsEveryVariable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (String name : variablesRead()) {
      assertThat(readme).as(name).contains("| `" + name + "` |");
    }
  }
}
