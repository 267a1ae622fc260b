package dev.marquee.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of the test's own: three masters without replicas on free loopback ports, formed
 * with {@code redis-cli --cluster create}. Not persistent. Binaries missing: fails when {@code
 * CI=true}, skips elsewhere.
 *
 * <p>Forming a cluster takes a few seconds, so test classes share one per JVM ({@link #shared()}),
 * each on its own key prefix; a test that kills or freezes nodes starts its own ({@link #start()})
 * and closes it in a finally.
 */
public final class ChildCluster implements AutoCloseable {
  public static final Path CLI = Path.of("/usr/bin/redis-cli");
  private static ChildCluster shared;

  private final List<ChildRedis> nodes;

  private ChildCluster(List<ChildRedis> nodes) {
    this.nodes = nodes;
  }

  /** The cluster every test class of this JVM uses; started on first use, stopped at JVM exit. */
  public static synchronized ChildCluster shared() {
    if (shared == null) {
      ChildCluster started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "child-cluster-stop"));
      shared = started;
    }
    return shared;
  }

  /** Starts three nodes, forms the cluster and waits until every node says it is ok. */
  public static ChildCluster start() {
    if (!Files.isExecutable(CLI)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(CLI + " is required");
      }
      assumeTrue(false, CLI + " not installed");
    }
    List<ChildRedis> nodes = new ArrayList<>();
    boolean formed = false;
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(
            ChildRedis.start(
                "--cluster-enabled", "yes",
                "--cluster-port", "" + ChildRedis.freePort(),
                "--cluster-node-timeout", "2000"));
      }
      ChildCluster cluster = new ChildCluster(List.copyOf(nodes));
      cluster.form();
      formed = true;
      return cluster;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      if (!formed) {
        nodes.forEach(ChildRedis::close);
      }
    }
  }

  private void form() {
    List<String> create = new ArrayList<>(List.of(CLI.toString(), "--cluster", "create"));
    nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    String out = cli(create);
    awaitOk("after: " + out);
  }

  /** Waits until every node says {@code cluster_state:ok} (after a node restarted, say). */
  public void awaitOk() {
    awaitOk("");
  }

  private void awaitOk(String context) {
    for (ChildRedis node : nodes) {
      Eventually.until(
          Duration.ofSeconds(20),
          () ->
              cli(List.of(CLI.toString(), "-p", "" + node.port(), "cluster", "info"))
                  .contains("cluster_state:ok"),
          "cluster_state:ok on port " + node.port() + " " + context);
    }
  }

  /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
  public String url() {
    return "redis-cluster://"
        + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  public List<ChildRedis> nodes() {
    return nodes;
  }

  private static String cli(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills every node and deletes its directory. */
  @Override
  public void close() {
    nodes.forEach(ChildRedis::close);
  }
}
