package dev.marquee.faults;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One member of a {@link SteadyLoad}, as a well-behaved client: it joins, and when its socket drops
 * (1006, or a 4000-4499 close) it reconnects to the next instance with its {@code lastSeq} and
 * {@code epoch}; when the gap cannot be filled ({@code recovered: false}) it refetches the missed
 * messages over HTTP, as docs/protocol.md asks. Everything it sees is recorded for the checks.
 * Callbacks run on Vert.x event loops; every method is synchronized on the member.
 */
final class LoadMember {
  final String session;
  final String role;
  final String clientId;
  private final SteadyLoad load;

  private WebSocket ws;
  private boolean joined;
  private boolean stopped;
  private int instance;
  private long lastSeq = -1;
  private long liveFrom;
  private String epoch;
  private long droppedAt;

  // What a display saw: seq -> message number (k), and the faults in the sequence.
  final Map<Long, Long> seen = new TreeMap<>();
  final List<String> anomalies = new ArrayList<>();
  final List<Integer> closeCodes = new ArrayList<>();

  /** Joins, closes and refetches, in order, for reading a failure. */
  final List<String> trace = new ArrayList<>();

  final List<Long> reconnectNanos = new ArrayList<>();
  int recoveredFalse;
  int resyncedOverHttp;

  // What a controller sent: k -> seq once acknowledged, k -> code when refused.
  private long nextK = 1;
  final Map<Long, Long> acked = new HashMap<>();
  final Map<Long, Long> ackedAt = new HashMap<>();
  final Map<Long, String> refused = new HashMap<>();
  final Set<Long> unanswered = new HashSet<>();

  LoadMember(SteadyLoad load, String session, String role, String clientId, int instance) {
    this.load = load;
    this.session = session;
    this.role = role;
    this.clientId = clientId;
    this.instance = instance;
  }

  boolean isController() {
    return role.equals("controller");
  }

  synchronized void connect() {
    if (stopped) {
      return;
    }
    int port = load.port(instance);
    load.client()
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                retryLater();
              } else {
                opened(ar.result());
              }
            });
  }

  private synchronized void opened(WebSocket socket) {
    if (stopped) {
      socket.close();
      return;
    }
    ws = socket;
    socket.textMessageHandler(text -> onFrame(new JsonObject(text)));
    socket.closeHandler(v -> onClose(socket));
    JsonObject join =
        new JsonObject()
            .put("type", "join")
            .put("session", session)
            .put("role", role)
            .put("name", clientId)
            .put("clientId", clientId);
    if (lastSeq >= 0) {
      join.put("lastSeq", lastSeq).put("epoch", epoch);
    }
    socket.writeTextMessage(join.encode());
  }

  /** A reconnect goes to the next instance, as a client cycling through its list would. */
  private synchronized void retryLater() {
    if (stopped) {
      return;
    }
    instance = load.nextInstance(instance);
    load.vertx().setTimer(100, t -> connect());
  }

  private synchronized void onClose(WebSocket socket) {
    if (socket != ws) {
      return;
    }
    ws = null;
    joined = false;
    int code = socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode();
    closeCodes.add(code);
    trace.add("closed " + code + " at lastSeq " + lastSeq);
    if (stopped || code == 1000 || code >= 4500) {
      return;
    }
    droppedAt = System.nanoTime();
    retryLater();
  }

  private synchronized void onFrame(JsonObject frame) {
    switch (frame.getString("type")) {
      case "joined" -> onJoined(frame);
      case "message" -> onMessage(frame);
      case "ack" -> {
        long k = Long.parseLong(frame.getString("ref"));
        unanswered.remove(k);
        acked.put(k, frame.getLong("seq"));
        ackedAt.put(k, System.nanoTime());
      }
      case "error" -> {
        String ref = frame.getString("ref");
        if (ref != null) {
          long k = Long.parseLong(ref);
          unanswered.remove(k);
          refused.put(k, frame.getString("code"));
        } else if (!joined) {
          anomalies.add("join refused: " + frame.getString("code"));
          ws.close();
        }
      }
      default -> {}
    }
  }

  private void onJoined(JsonObject joinedFrame) {
    boolean rejoin = lastSeq >= 0;
    long sessionSeq = joinedFrame.getLong("lastSeq");
    trace.add(
        "joined lastSeq "
            + sessionSeq
            + " recovered "
            + joinedFrame.getBoolean("recovered")
            + " epoch "
            + joinedFrame.getString("epoch")
            + " (had "
            + lastSeq
            + ", "
            + epoch
            + ")");
    if (rejoin) {
      reconnectNanos.add(System.nanoTime() - droppedAt);
      if (!Boolean.TRUE.equals(joinedFrame.getBoolean("recovered"))) {
        recoveredFalse++;
        long from = lastSeq;
        if (!joinedFrame.getString("epoch").equals(epoch)) {
          // A new epoch: what this client showed may not be the session's any more (seqs past
          // the rebuilt session's last can be given again), so it starts over from history, as
          // the web app's refetch replaces its list.
          seen.clear();
          from = 0;
        }
        if (!isController()) {
          refetch(from, sessionSeq);
        }
        lastSeq = sessionSeq;
      }
    } else {
      lastSeq = sessionSeq;
    }
    liveFrom = sessionSeq;
    epoch = joinedFrame.getString("epoch");
    joined = true;
  }

  private void onMessage(JsonObject message) {
    long seq = message.getLong("seq");
    if (isController()) {
      lastSeq = Math.max(lastSeq, seq);
      return;
    }
    long k = number(message.getString("text"));
    if (seq <= lastSeq) {
      anomalies.add("duplicate or out of order: seq " + seq + " after " + lastSeq);
    } else if (seq > lastSeq + 1) {
      anomalies.add("gap: seq " + seq + " after " + lastSeq);
    }
    record(seq, k);
    if (seq <= liveFrom + 3) {
      trace.add("live " + seq + "=" + k);
    }
    lastSeq = Math.max(lastSeq, seq);
    if (seq > liveFrom) {
      load.latency(System.nanoTime() - sentAt(message.getString("text")));
    }
  }

  private void record(long seq, long k) {
    Long before = seen.put(seq, k);
    if (before != null && before != k) {
      anomalies.add("seq " + seq + " carried message " + before + " and then " + k);
    }
  }

  /**
   * Fetches the messages in (from, to] over HTTP, newest first, as a client that could not recover.
   */
  private void refetch(long from, long to) {
    resyncedOverHttp++;
    load.history(instance, session)
        .onComplete(
            ar -> {
              synchronized (this) {
                if (ar.failed()) {
                  anomalies.add("history refetch failed: " + ar.cause().getMessage());
                  return;
                }
                JsonArray messages = ar.result();
                StringBuilder tail = new StringBuilder();
                for (int i = 0; i < messages.size(); i++) {
                  JsonObject m = messages.getJsonObject(i);
                  if (m.getLong("seq") > to - 4) {
                    tail.append(' ')
                        .append(m.getLong("seq"))
                        .append('=')
                        .append(number(m.getString("text")));
                  }
                }
                trace.add(
                    "refetched ("
                        + from
                        + ", "
                        + to
                        + "]: "
                        + messages.size()
                        + " messages;"
                        + tail);
                for (int i = 0; i < messages.size(); i++) {
                  JsonObject m = messages.getJsonObject(i);
                  long seq = m.getLong("seq");
                  if (seq > from && seq <= to) {
                    record(seq, number(m.getString("text")));
                  }
                }
              }
            });
  }

  /** Sends the next numbered message if joined; a controller off line skips its turn. */
  synchronized void tick() {
    if (!joined || stopped) {
      return;
    }
    long k = nextK++;
    unanswered.add(k);
    ws.writeTextMessage(
        new JsonObject()
            .put("type", "send")
            .put("text", "k=" + k + " t=" + System.nanoTime())
            .put("ref", Long.toString(k))
            .encode());
  }

  synchronized boolean isJoined() {
    return joined;
  }

  synchronized int instance() {
    return instance;
  }

  synchronized void pause() {
    if (ws != null) {
      ws.pause();
    }
  }

  synchronized void stop() {
    stopped = true;
    if (ws != null) {
      ws.close();
    }
  }

  static long number(String text) {
    int space = text.indexOf(' ');
    return Long.parseLong(text.substring(2, space));
  }

  private static long sentAt(String text) {
    return Long.parseLong(text.substring(text.indexOf(" t=") + 3));
  }
}
