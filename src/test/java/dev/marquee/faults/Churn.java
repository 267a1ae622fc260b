package dev.marquee.faults;

import dev.marquee.testing.RawWebSocket;
import dev.marquee.testing.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Short-lived traffic beside a soak's steady load, for whatever a server might keep per client or
 * per session: each round creates a session on one instance, joins a controller there and a display
 * on the other, sends three messages across, drops a visitor's TCP connection to a steady session
 * without a close frame, reads history and presence over HTTP, and ends the session with its owner
 * token, alternately before the clients leave (the server closes them, 4500) and after.
 */
final class Churn {
  private final FaultRig rig;
  private final List<String> steady;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> failures = new ArrayList<>();
  private int rounds;
  private int ended;
  private int sockets;
  private int requests;

  Churn(FaultRig rig, List<String> steadySessions) {
    this.rig = rig;
    this.steady = steadySessions;
  }

  /** One round; a failure is recorded (and the soak goes on) rather than thrown. */
  void round() {
    int r = rounds++;
    try {
      run(r);
    } catch (Exception | AssertionError e) {
      if (failures.size() < 20) {
        failures.add("round " + r + ": " + e);
      }
    }
  }

  private void run(int r) throws IOException, InterruptedException {
    int a = r % 2;
    int b = 1 - a;
    JsonObject created = json(send(a, "POST", "/api/session", "{\"title\":\"churn\"}", null), 201);
    String code = created.getString("code");
    String token = created.getString("ownerToken");
    try (WsClient display = WsClient.connect(rig.port(b));
        WsClient controller = WsClient.connect(rig.port(a))) {
      sockets += 2;
      display.join(code, "display", "churn-d");
      controller.join(code, "controller", "churn-c");
      for (int i = 1; i <= 3; i++) {
        controller.send(
            new JsonObject().put("type", "send").put("text", "churn " + i).put("ref", "" + i));
        expect(controller.nextAnswer(), "ack");
      }
      for (int i = 1; i <= 3; i++) {
        expect(display.next("message"), "message");
      }
      visitor(steady.get(r % steady.size()), b);
      json(
          send(a, "GET", "/api/session/" + steady.get(r % steady.size()) + "/history", null, null),
          200);
      json(send(b, "GET", "/api/session/" + code + "/presence/users", null, null), 200);
      json(send(b, "GET", "/api/session/" + code, null, null), 200);
      if (r % 2 == 0) {
        json(send(b, "DELETE", "/api/session/" + code, null, token), 200);
        expect(display.next("ended"), "ended");
        expectClose(display.awaitClose(), 4500);
        expectClose(controller.awaitClose(), 4500);
      } else {
        display.disconnect();
        controller.disconnect();
        display.awaitClose();
        controller.awaitClose();
        json(send(a, "DELETE", "/api/session/" + code, null, token), 200);
      }
      ended++;
    }
  }

  /** Joins a steady session as a display and drops the TCP connection without a close frame. */
  private void visitor(String session, int instance) {
    try (RawWebSocket raw = RawWebSocket.connect(rig.port(instance))) {
      sockets++;
      raw.sendText(
          new JsonObject()
              .put("type", "join")
              .put("session", session)
              .put("role", "display")
              .put("name", "churn-visitor")
              .encode());
      expect(new JsonObject(raw.nextText()), "joined");
    }
  }

  private HttpResponse<String> send(
      int instance, String method, String path, String body, String bearer)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rig.port(instance) + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    requests++;
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError(
          response.request().method()
              + " "
              + response.request().uri().getPath()
              + " answered "
              + response.statusCode()
              + ", not "
              + status);
    }
    return new JsonObject(response.body());
  }

  private static void expect(JsonObject frame, String type) {
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError(
          "expected '"
              + type
              + "', got '"
              + frame.getString("type")
              + "' "
              + frame.getString("code"));
    }
  }

  private static void expectClose(int code, int expected) {
    if (code != expected) {
      throw new AssertionError("closed with " + code + ", not " + expected);
    }
  }

  int rounds() {
    return rounds;
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  String summary() {
    return String.format(
        "%d rounds: %d sessions created and ended, %d sockets, %d HTTP requests, %d failures",
        rounds, ended, sockets, requests, failures.size());
  }
}
