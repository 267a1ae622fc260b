package dev.marquee.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's checks against a deliberately broken server speaking the protocol: for the first
 * display of every session it drops seq 3, sends seq 5 twice and seq 7 after seq 8. A fan-out run
 * must fail and count exactly those faults, and nothing else.
 */
class FaultDetectionTest {
  private Vertx vertx;
  private HttpServer server;

  /** One session on the broken server: its members in join order and the next seq. */
  private static final class Room {
    final List<ServerWebSocket> members = new ArrayList<>();
    final List<Boolean> displays = new ArrayList<>();
    long seq;
    String held;
  }

  @BeforeEach
  void startBrokenServer() throws Exception {
    vertx = Vertx.vertx();
    Map<String, Room> rooms = new HashMap<>();
    int[] made = {0};
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.method() == HttpMethod.POST && req.path().equals("/api/session")) {
                    String code = "ABCDE" + (char) ('A' + made[0]++);
                    rooms.put(code, new Room());
                    req.response()
                        .setStatusCode(201)
                        .end(new JsonObject().put("code", code).encode());
                  } else {
                    req.response().setStatusCode(404).end();
                  }
                })
            .webSocketHandler(ws -> serve(ws, rooms));
    Rig.await(server.listen(0, "127.0.0.1"), 10);
  }

  private static void serve(ServerWebSocket ws, Map<String, Room> rooms) {
    String[] code = {null};
    ws.textMessageHandler(
        text -> {
          JsonObject f = new JsonObject(text);
          if ("join".equals(f.getString("type"))) {
            code[0] = f.getString("session");
            Room room = rooms.get(code[0]);
            room.members.add(ws);
            room.displays.add("display".equals(f.getString("role")));
            ws.writeTextMessage(
                new JsonObject()
                    .put("type", "joined")
                    .put("session", code[0])
                    .put("lastSeq", room.seq)
                    .encode());
          } else if ("send".equals(f.getString("type"))) {
            Room room = rooms.get(code[0]);
            long seq = ++room.seq;
            ws.writeTextMessage(new JsonObject().put("type", "ack").put("seq", seq).encode());
            String message =
                new JsonObject()
                    .put("type", "message")
                    .put("session", code[0])
                    .put("seq", seq)
                    .put("ts", 0)
                    .put("from", new JsonObject().put("name", "c").put("role", "controller"))
                    .put("text", f.getString("text"))
                    .encode();
            int firstDisplay = room.displays.indexOf(true);
            for (int i = 0; i < room.members.size(); i++) {
              ServerWebSocket m = room.members.get(i);
              if (i != firstDisplay) {
                m.writeTextMessage(message);
              } else if (seq == 3) {
                continue;
              } else if (seq == 5) {
                m.writeTextMessage(message);
                m.writeTextMessage(message);
              } else if (seq == 7) {
                room.held = message;
              } else {
                m.writeTextMessage(message);
                if (seq == 8) {
                  m.writeTextMessage(room.held);
                }
              }
            }
          }
        });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void lossDuplicatesAndReorderingAreCountedAndFailTheRun() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "fanout",
              "--url",
              "http://127.0.0.1:" + server.actualPort(),
              "--sessions",
              "2",
              "--displays",
              "2",
              "--rate",
              "40",
              "--seconds",
              "1",
              "--warmup",
              "0",
              "--drain-seconds",
              "1",
              "--json-only"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    JsonObject r = new JsonObject(out.toString(StandardCharsets.UTF_8).trim());
    assertThat(code).isEqualTo(Main.CHECK_FAILED);
    assertThat(r.getBoolean("ok")).isFalse();
    JsonObject checks = r.getJsonObject("checks");
    assertThat(checks.getLong("lost")).isEqualTo(2);
    assertThat(checks.getLong("duplicates")).isEqualTo(2);
    assertThat(checks.getLong("outOfOrder")).isEqualTo(2);
    assertThat(checks.getLong("stale")).isZero();
    assertThat(checks.getLong("unanswered")).isZero();
    assertThat(r.getBoolean("drained")).isFalse();
    assertThat(r.getJsonArray("failures").encode())
        .contains("2 acknowledged deliveries never arrived")
        .contains("2 duplicate deliveries")
        .contains("2 deliveries out of order");
  }
}
