package dev.marquee.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain TCP socket that writes frames byte by byte, for what a
 * well-behaved client library refuses to send: text frames that are not UTF-8, fragmented messages,
 * frames over the server's limits.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int TEXT = 0x1;
  public static final int CONTINUATION = 0x0;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** What {@link #awaitClose()} answers when the server dropped the connection without a close. */
  public static final int NO_CLOSE_FRAME = 1006;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** One frame from the server. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code /ws} and completes the upgrade (no Origin, like a native client). */
  public static RawWebSocket connect(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) WsClient.WAIT.toMillis());
      RawWebSocket ws = new RawWebSocket(socket);
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      String request =
          "GET /ws HTTP/1.1\r\n"
              + "Host: 127.0.0.1:"
              + port
              + "\r\n"
              + "Upgrade: websocket\r\n"
              + "Connection: Upgrade\r\n"
              + "Sec-WebSocket-Key: "
              + Base64.getEncoder().encodeToString(key)
              + "\r\n"
              + "Sec-WebSocket-Version: 13\r\n\r\n";
      ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
      ws.out.flush();
      String head = ws.readHead();
      if (!head.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new AssertionError("upgrade refused: " + head);
      }
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one whole text message made of these bytes, whatever they are. */
  public RawWebSocket sendText(byte[] payload) {
    return sendFrame(true, TEXT, payload);
  }

  public RawWebSocket sendText(String text) {
    return sendText(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends these text messages in one TCP write, so the server reads them together and handles them
   * back to back, before anything it started for the first one can complete.
   */
  public RawWebSocket sendTexts(List<String> texts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String text : texts) {
      all.writeBytes(encode(true, TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      out.write(all.toByteArray());
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one frame, masked as a client must. */
  public RawWebSocket sendFrame(boolean fin, int opcode, byte[] payload) {
    try {
      out.write(encode(fin, opcode, payload));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(boolean fin, int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    {
      frame.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length <= 0xFFFF) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xFF);
      } else {
        frame.write(0x80 | 127);
        long length = payload.length;
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) (length >>> shift) & 0xFF);
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.write(mask, 0, 4);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i & 3]);
      }
    }
    return frame.toByteArray();
  }

  /** The next frame, or null when the server closed the TCP connection. */
  public Frame readFrame() {
    try {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return new Frame(first & 0x0F, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + WsClient.WAIT, e);
    } catch (EOFException e) {
      return null;
    } catch (IOException e) {
      return null; // reset by the server: the connection is gone
    }
  }

  /** The next text frame, skipping nothing: fails if the next frame is something else. */
  public String nextText() {
    Frame frame = readFrame();
    if (frame == null || frame.opcode() != TEXT) {
      throw new AssertionError("expected a text frame, got " + describe(frame));
    }
    return frame.text();
  }

  /**
   * Reads up to the server's next ping and answers it with a pong, as every WebSocket client does;
   * returns the text frames read on the way. Fails if the server closes first.
   */
  public List<String> answerNextPing() {
    List<String> texts = new ArrayList<>();
    while (true) {
      Frame frame = readFrame();
      if (frame == null || frame.opcode() == CLOSE) {
        throw new AssertionError("closed while waiting for a ping: " + describe(frame));
      }
      if (frame.opcode() == PING) {
        sendFrame(true, PONG, frame.payload());
        return texts;
      }
      if (frame.opcode() == TEXT) {
        texts.add(frame.text());
      }
    }
  }

  /**
   * Reads until the server closes: its close code, or {@link #NO_CLOSE_FRAME} if the connection
   * ended without a close frame. Text frames before the close are skipped.
   */
  public int awaitClose() {
    while (true) {
      Frame frame = readFrame();
      if (frame == null) {
        return NO_CLOSE_FRAME;
      }
      if (frame.opcode() == CLOSE) {
        byte[] p = frame.payload();
        return p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005;
      }
    }
  }

  private static String describe(Frame frame) {
    if (frame == null) {
      return "the end of the connection";
    }
    return "opcode " + frame.opcode() + ": " + frame.text();
  }

  @Override
  public void close() {
    disconnect();
  }

  /** Drops the TCP connection, without a close frame. */
  public void disconnect() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
