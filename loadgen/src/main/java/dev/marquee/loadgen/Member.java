package dev.marquee.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * One joined WebSocket: a display or a controller of a {@link Session}. Message frames are read
 * from their bytes ({@link FrameScan}) and checked by seq; latency is taken from the send time the
 * generator's own text carries. Lives on its session's event loop.
 */
final class Member {
  enum Role {
    DISPLAY("display"),
    CONTROLLER("controller");

    final String wire;

    Role(String wire) {
      this.wire = wire;
    }
  }

  private static final long JOIN_TIMEOUT_MS = 15_000;

  final Session session;
  final Role role;
  private final Tally tally;
  private final boolean checked;
  private WebSocket ws;
  private SeqCheck check;
  private boolean leaving;
  private boolean closed;
  private final Promise<Void> closedPromise = Promise.promise();
  private Runnable onAnswer;

  // Pacing of a controller's sends, driven by Fleet's per-loop ticker.
  double rate;
  long paceStart;
  long paceSent;
  long sendLimit = Long.MAX_VALUE;

  private Member(Session session, Role role, Tally tally, boolean checked) {
    this.session = session;
    this.role = role;
    this.tally = tally;
    this.checked = checked;
  }

  /**
   * Connects to {@code t}, joins {@code session} as {@code role} and completes once {@code joined}
   * arrives. Must be called on the session's event loop; the member is added to the session then.
   */
  static Future<Member> join(
      Rig rig, Target t, Session session, Role role, String name, Tally tally, boolean checked) {
    Member m = new Member(session, role, tally, checked);
    Promise<Member> joined = Promise.promise();
    long started = System.nanoTime();
    Context ctx = session.ctx;
    long timer =
        rig.vertx.setTimer(
            JOIN_TIMEOUT_MS,
            id -> {
              if (joined.tryFail("no joined frame within " + JOIN_TIMEOUT_MS + " ms")) {
                m.leaving = true;
                if (m.ws != null) {
                  m.ws.close();
                }
              }
            });
    rig.ws
        .connect(
            new WebSocketConnectOptions()
                .setHost(t.host())
                .setPort(t.port())
                .setURI(Target.WS_PATH)
                .setTimeout(JOIN_TIMEOUT_MS))
        .onFailure(e -> joined.tryFail(reason(e)))
        .onSuccess(
            ws -> {
              tally.connectLatency.recordValue(Math.max(0, System.nanoTime() - started));
              m.ws = ws;
              ws.handler(
                  data -> {
                    if (m.check != null) {
                      m.onFrame(data);
                    } else {
                      m.onFrameBeforeJoined(data, joined, started);
                    }
                  });
              ws.closeHandler(v -> m.onClose(joined));
              ws.exceptionHandler(e -> {});
              JsonObject join =
                  new JsonObject()
                      .put("type", "join")
                      .put("session", session.code)
                      .put("role", role.wire)
                      .put("name", name);
              ws.writeTextMessage(join.encode());
            });
    return joined
        .future()
        .andThen(ar -> rig.vertx.cancelTimer(timer))
        .onSuccess(
            v -> {
              (role == Role.DISPLAY ? session.displays : session.controllers).add(m);
            })
        .onFailure(
            e -> {
              if (m.ws != null && !m.closed) {
                m.leaving = true;
                m.ws.close();
              }
            });
  }

  private void onFrameBeforeJoined(Buffer data, Promise<Member> joined, long started) {
    JsonObject f = new JsonObject(data);
    String type = f.getString("type");
    if ("joined".equals(type)) {
      check = new SeqCheck(f.getLong("lastSeq", 0L));
      tally.joinLatency.recordValue(Math.max(0, System.nanoTime() - started));
      if (!joined.tryComplete(this)) {
        leaving = true;
        ws.close();
      }
    } else if ("error".equals(type)) {
      joined.tryFail("join refused: " + f.getString("code"));
    }
  }

  private void onFrame(Buffer data) {
    if (FrameScan.isMessage(data)) {
      check.record(FrameScan.seq(data));
      if (role == Role.DISPLAY) {
        tally.delivered.increment();
        long sentAt = FrameScan.sentNanos(data);
        if (sentAt >= tally.recordFrom) {
          tally.latency.recordValue(Math.max(0, Rig.now() - sentAt));
        }
      } else {
        tally.echoes.increment();
      }
    } else if (FrameScan.isAck(data)) {
      session.acked++;
      session.lastAckedSeq = Math.max(session.lastAckedSeq, FrameScan.seq(data));
      answered();
    } else {
      JsonObject f = new JsonObject(data);
      String type = f.getString("type");
      if ("error".equals(type)) {
        tally.error(f.getString("code"));
        if (role == Role.CONTROLLER) {
          session.refused++;
          answered();
        }
      } else if ("ended".equals(type) || "reconnect".equals(type)) {
        tally.error(type + ":" + f.getString("reason"));
      }
    }
  }

  private void answered() {
    if (onAnswer != null) {
      onAnswer.run();
    }
  }

  private void onClose(Promise<Member> joined) {
    closed = true;
    joined.tryFail("closed before joining (code " + ws.closeStatusCode() + ")");
    if (!leaving && check != null) {
      tally.unexpectedClose(ws.closeStatusCode());
    }
    closedPromise.tryComplete();
  }

  /**
   * Sends one message; counts it as sent in the session. The generator's texts are digits, letters,
   * spaces and '#', so the frame is written without a JSON encoder.
   */
  void send(String text) {
    if (closed) {
      return;
    }
    session.sent++;
    ws.writeTextMessage("{\"type\":\"send\",\"text\":\"" + text + "\"}");
  }

  /** Sends {@code leave} (the server then closes the socket); completes when closed. */
  Future<Void> leave() {
    leaving = true;
    if (!closed) {
      ws.writeTextMessage("{\"type\":\"leave\"}");
    }
    return closedPromise.future();
  }

  /** Closes the socket from this side; completes when closed. */
  Future<Void> close() {
    leaving = true;
    if (!closed && ws != null) {
      ws.close();
    }
    return closedPromise.future();
  }

  /** Runs after every ack or refusal this controller receives. */
  void onAnswer(Runnable r) {
    this.onAnswer = r;
  }

  boolean open() {
    return !closed;
  }

  boolean checked() {
    return checked;
  }

  SeqCheck check() {
    return check;
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.length() > 120 ? m.substring(0, 120) : m;
  }
}
