package dev.marquee.history;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Per-session ring of the newest messages in this process. Pick it for the memory engine. */
final class MemoryRecentHistory implements RecentHistory {
  private final int window;
  private final ConcurrentHashMap<String, ArrayDeque<StoredMessage>> windows =
      new ConcurrentHashMap<>();

  MemoryRecentHistory(int window) {
    this.window = window;
  }

  @Override
  public Future<Void> append(StoredMessage message) {
    ArrayDeque<StoredMessage> ring =
        windows.computeIfAbsent(message.session(), k -> new ArrayDeque<>(window));
    synchronized (ring) {
      ring.addLast(message);
      while (ring.size() > window) {
        ring.pollFirst();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Replay> since(String session, long afterSeq, long lastSeq) {
    if (afterSeq >= lastSeq) {
      return Future.succeededFuture(new Replay(afterSeq == lastSeq, List.of()));
    }
    ArrayDeque<StoredMessage> ring = windows.get(session);
    if (ring == null) {
      return Future.succeededFuture(new Replay(false, List.of()));
    }
    List<StoredMessage> out = new ArrayList<>();
    boolean complete;
    synchronized (ring) {
      StoredMessage first = ring.peekFirst();
      StoredMessage last = ring.peekLast();
      complete = first != null && first.seq() <= afterSeq + 1 && last.seq() >= lastSeq;
      if (complete) {
        for (StoredMessage m : ring) {
          if (m.seq() > afterSeq && m.seq() <= lastSeq) {
            out.add(m);
          }
        }
      }
    }
    return Future.succeededFuture(new Replay(complete, complete ? out : List.of()));
  }

  @Override
  public Future<Void> load(String session, List<StoredMessage> oldestFirst) {
    ArrayDeque<StoredMessage> ring = new ArrayDeque<>(window);
    int skip = Math.max(0, oldestFirst.size() - window);
    for (int i = skip; i < oldestFirst.size(); i++) {
      ring.addLast(oldestFirst.get(i));
    }
    windows.put(session, ring);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> drop(String session) {
    windows.remove(session);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<StoredMessage>> window(String session) {
    ArrayDeque<StoredMessage> ring = windows.get(session);
    if (ring == null) {
      return Future.succeededFuture(List.of());
    }
    synchronized (ring) {
      return Future.succeededFuture(List.copyOf(ring));
    }
  }

  @Override
  public Future<Void> clear(String session, long throughSeq) {
    ArrayDeque<StoredMessage> ring = windows.get(session);
    if (ring != null) {
      synchronized (ring) {
        ring.removeIf(m -> m.seq() <= throughSeq);
      }
    }
    return Future.succeededFuture();
  }

  /** The memory engine acknowledges only what PostgreSQL committed, so nothing is left to cover. */
  @Override
  public Future<Void> retire(String session) {
    return drop(session);
  }
}
