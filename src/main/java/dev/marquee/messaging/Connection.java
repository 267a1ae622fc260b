package dev.marquee.messaging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.bus.RoomEvent;
import dev.marquee.logging.Redact;
import dev.marquee.presence.Role;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket: its state machine (new, joining, joined, closing), frame dispatch and the
 * bounded write path. Joining and sending live in {@link JoinFlow} and {@link SendFlow}; fan-out in
 * {@link LocalRoom}; what a member does with a room event in {@link MemberEvents}. Everything here
 * runs on the socket's event loop.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  enum Phase {
    NEW,
    JOINING,
    JOINED,
    CLOSING
  }

  private final ServerWebSocket ws;
  private final Realtime rt;
  private final Rooms rooms;
  private final String ipKey;
  private final String ipForLogs;
  private long joinTimer = -1;
  private final SendOrder sendOrder = new SendOrder();
  private Context context;

  private Phase phase = Phase.NEW;

  /** A join is being checked (phase still NEW until it enters the room): refuse another. */
  private boolean joinPending;

  private String session;
  private String clientId;
  private String name;
  private Role role;
  private LocalRoom room;
  private final MemberPresence presence;
  private long lastDelivered;
  private JoinHold pending;
  private final TextAssembler text = new TextAssembler();
  private SocketWriter writer;

  Connection(ServerWebSocket ws, Realtime rt, Rooms rooms, String ipKey, String remoteHost) {
    this.ws = ws;
    this.rt = rt;
    this.rooms = rooms;
    this.ipKey = ipKey;
    this.ipForLogs = Redact.ip(remoteHost);
    this.presence = new MemberPresence(rt);
  }

  void start() {
    context = rt.vertx().getOrCreateContext();
    writer =
        new SocketWriter(ws, rt.config().webSocket().stallTimeout().toMillis(), this::slowConsumer);
    ws.setWriteQueueMaxSize(rt.config().webSocket().writeQueueMaxBytes());
    // Vert.x's message aggregation (on for binary) enforces the 16 KiB limit on text messages too;
    // text is assembled here from the frames because its own decoding hides invalid UTF-8.
    ws.binaryMessageHandler(this::onBinary);
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClose());
    rooms.opened(this);
    rt.metrics().socketRole(null, "unjoined");
    log.debug("socket opened", kv("ip", ipForLogs));
    joinTimer =
        rt.vertx()
            .setTimer(
                rt.config().webSocket().joinTimeout().toMillis(),
                id -> {
                  joinTimer = -1;
                  if (phase == Phase.NEW) {
                    close(CloseCodes.POLICY, "join within the time limit");
                  }
                });
  }

  private void onFrame(WebSocketFrame frame) {
    if (phase == Phase.CLOSING) {
      text.reset();
      return;
    }
    String message = text.add(frame);
    if (message == TextAssembler.NOT_UTF8) {
      close(CloseCodes.INVALID_DATA, "text frames must be UTF-8");
    } else if (message != null) {
      onText(message);
    }
  }

  private void onText(String text) {
    if (phase == Phase.CLOSING) {
      return;
    }
    ClientFrame frame = FrameDecoder.decode(text);
    if (phase == Phase.JOINED) {
      presence.touch();
    }
    if (frame instanceof ClientFrame.Invalid invalid) {
      error(invalid.code(), invalid.message(), invalid.ref(), 0);
      if (invalid.send() && phase == Phase.JOINED) {
        rt.analytics().messageRefused(session, invalid.code());
      }
    } else if (frame instanceof ClientFrame.Join join) {
      if (phase == Phase.NEW && !joinPending) {
        joinPending = true;
        JoinFlow.run(this, join);
      } else {
        error("bad_request", "this socket has already joined or is joining a session", null, 0);
      }
    } else if (phase != Phase.JOINED) {
      error("not_joined", "send a join frame first", frame.ref(), 0);
    } else if (frame instanceof ClientFrame.Send send) {
      SendFlow.run(this, send);
    } else if (frame instanceof ClientFrame.Ping ping) {
      write(Frames.pong(ping.ref()));
    } else if (frame instanceof ClientFrame.Leave) {
      presence.leave("left");
      close(CloseCodes.NORMAL, "left");
    }
  }

  private void onBinary(Buffer data) {
    if (phase != Phase.CLOSING) {
      error("bad_request", "frames must be JSON text, not binary", null, 0);
    }
  }

  private void onException(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("max message size")) {
      close(CloseCodes.TOO_LARGE, "message too large");
      return;
    }
    log.debug("socket error", kv("ip", ipForLogs), kv("reason", message));
  }

  private void onClose() {
    if (joinTimer >= 0) {
      rt.vertx().cancelTimer(joinTimer);
    }
    Phase was = phase;
    phase = Phase.CLOSING;
    rooms.closed(this);
    rt.metrics().socketRole(roleMetric(was), null);
    if (room != null) {
      rooms.leave(room, this);
      room = null;
    }
    presence.leave("closed");
  }

  private String roleMetric(Phase was) {
    return (was == Phase.JOINED || was == Phase.JOINING) && role != null ? role.wire() : "unjoined";
  }

  /** The order this socket's sends are accepted and acked in. */
  SendOrder sendOrder() {
    return sendOrder;
  }

  /** Runs {@code task} on this socket's loop after every task queued before it, never inline. */
  void queueOnLoop(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  // ---- used by JoinFlow ----

  boolean isOpen() {
    return phase != Phase.CLOSING;
  }

  /** The join was refused with the socket left open (rate limited): the client may try again. */
  void joinRefused() {
    joinPending = false;
  }

  void beginJoin(String session, String clientId, String name, Role role) {
    presence.joining(session, clientId);
    this.phase = Phase.JOINING;
    this.session = session;
    this.clientId = clientId;
    this.name = name;
    this.role = role;
    this.pending = new JoinHold();
    rt.metrics().socketRole("unjoined", role.wire());
    this.room = rooms.join(session, this);
  }

  LocalRoom room() {
    return room;
  }

  /** Back to a socket that has not joined, after a refused join; it may send another. */
  void abandonJoin() {
    joinPending = false;
    if (phase != Phase.JOINING) {
      return;
    }
    rt.metrics().socketRole(role.wire(), "unjoined");
    if (room != null) {
      rooms.leave(room, this);
      room = null;
    }
    phase = Phase.NEW;
    session = null;
    clientId = null;
    name = null;
    role = null;
    pending = null;
  }

  void joinedPresence() {
    presence.entered();
  }

  /** Writes {@code joined} and the replay, then everything that arrived meanwhile, in order. */
  void finishJoin(String joinedFrame, List<String> replay, long lastSeq) {
    if (phase != Phase.JOINING) {
      return;
    }
    if (joinTimer >= 0) {
      rt.vertx().cancelTimer(joinTimer);
      joinTimer = -1;
    }
    write(joinedFrame);
    for (String frame : replay) {
      write(frame);
    }
    lastDelivered = lastSeq;
    phase = Phase.JOINED;
    JoinHold held = pending;
    pending = null;
    held.deliverTo(this);
  }

  // ---- used by LocalRoom ----

  /**
   * Writes a message the member has not seen yet; false if skipped. With {@code unflushed} (a
   * room's batch) the write is not flushed yet: see {@link SocketWriter#write}.
   */
  boolean deliverMessage(RoomEvent.Message m, Frames.Encoded frame, List<SocketWriter> unflushed) {
    if (phase == Phase.JOINING) {
      pending.add(m);
      return false;
    }
    if (phase != Phase.JOINED || m.message().seq() <= lastDelivered) {
      return false;
    }
    lastDelivered = m.message().seq();
    return write(frame, unflushed);
  }

  void deliverEvent(RoomEvent event, Frames.Encoded frame, List<SocketWriter> unflushed) {
    if (phase == Phase.JOINING) {
      pending.add(event);
      return;
    }
    if (phase != Phase.JOINED) {
      return;
    }
    MemberEvents.deliver(this, presence, event, frame, unflushed);
  }

  // ---- writing ----

  /** Writes one frame unless the socket's queue is over its bound, which closes it (4001). */
  boolean write(String frame) {
    return write(frame, null, null);
  }

  /** Writes a frame encoded once for a whole fan-out, batched with {@code unflushed} if given. */
  boolean write(Frames.Encoded frame, List<SocketWriter> unflushed) {
    return write(frame.text(), frame.utf8(), unflushed);
  }

  private boolean write(String frame, byte[] utf8, List<SocketWriter> batch) {
    if (phase == Phase.CLOSING || ws.isClosed()) {
      return false; // the peer went away; our close handler runs next
    }
    return writer.write(frame, utf8, batch);
  }

  /** Pings or gives up on a client that stopped reading; see {@link SocketWriter#checkStall}. */
  void checkStall(long nowMs) {
    if (phase != Phase.CLOSING && !ws.isClosed()) {
      writer.checkStall(nowMs);
    }
  }

  private void slowConsumer(String why) {
    rt.metrics().slowConsumerClosed();
    log.info(
        "slow consumer closed",
        kv("why", why),
        kv("session", session),
        kv("role", role == null ? null : role.wire()),
        kv("ip", ipForLogs));
    close(CloseCodes.SLOW_CONSUMER, "slow consumer");
  }

  void error(String code, String message, String ref, long retryAfterMs) {
    rt.metrics().clientError(code);
    write(Frames.error(code, message, ref, retryAfterMs));
  }

  void close(short code, String reason) {
    if (phase == Phase.CLOSING) {
      return;
    }
    phase = Phase.CLOSING;
    ws.close(code, reason);
  }

  /** Tells the client to go elsewhere and closes with 4000 (graceful shutdown). */
  void shutdown() {
    reconnect("shutdown", CloseCodes.SHUTDOWN, "server shutting down");
  }

  /**
   * Tells the client to rejoin and closes with 4002: Redis forgot the engine state, so the seq the
   * client holds may not be the session's any more. It rejoins with its {@code lastSeq} and epoch,
   * hears {@code recovered: false} under the new epoch, and refetches history.
   */
  void resync() {
    reconnect("resync", CloseCodes.RESYNC, "rejoin: the session was restored");
  }

  private void reconnect(String reason, short code, String closeReason) {
    if (phase == Phase.CLOSING) {
      return;
    }
    write(Frames.reconnect(reason));
    close(code, closeReason);
  }

  // ---- identity, for the flows ----

  Realtime rt() {
    return rt;
  }

  String ipKey() {
    return ipKey;
  }

  String ipForLogs() {
    return ipForLogs;
  }

  String session() {
    return session;
  }

  String clientId() {
    return clientId;
  }

  String name() {
    return name;
  }

  Role role() {
    return role;
  }
}
