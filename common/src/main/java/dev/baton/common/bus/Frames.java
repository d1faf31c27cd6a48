package dev.baton.common.bus;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus bridge wire format (that of the Vert.x TCP event-bus bridge): each frame is a
 * 4-byte big-endian length and that many bytes of a UTF-8 JSON object
 * {@code {type, address, replyAddress, headers, body}}. The reader refuses a frame whose
 * declared length is over the limit before reading it, so a peer cannot make it buffer more.
 */
public final class Frames {
  /** Largest frame accepted by default. */
  public static final int MAX_FRAME = 64 * 1024;

  private Frames() {}

  public static Buffer encode(JsonObject frame) {
    Buffer body = frame.toBuffer();
    return Buffer.buffer(body.length() + 4).appendInt(body.length()).appendBuffer(body);
  }

  public static JsonObject send(String address, JsonObject body, String replyAddress) {
    JsonObject f = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (replyAddress != null) {
      f.put("replyAddress", replyAddress);
    }
    return f;
  }

  public static JsonObject message(String address, JsonObject body) {
    return new JsonObject().put("type", "message").put("address", address).put("body", body);
  }

  public static JsonObject error(String message) {
    return new JsonObject().put("type", "err").put("message", message);
  }

  /** What went wrong with the stream; the connection must be closed. */
  public enum Problem { OVERSIZED, MALFORMED }

  /** Splits a byte stream into frames. Not thread-safe: feed it from one connection's handler. */
  public static final class Reader implements Handler<Buffer> {
    private final int max;
    private final Handler<JsonObject> onFrame;
    private final Handler<Problem> onProblem;
    private Buffer pending = Buffer.buffer();
    private boolean broken;

    public Reader(int max, Handler<JsonObject> onFrame, Handler<Problem> onProblem) {
      this.max = max;
      this.onFrame = onFrame;
      this.onProblem = onProblem;
    }

    @Override
    public void handle(Buffer data) {
      if (broken) {
        return;
      }
      pending.appendBuffer(data);
      int offset = 0;
      while (pending.length() - offset >= 4) {
        int length = pending.getInt(offset);
        if (length < 2 || length > max) {
          broken = true;
          onProblem.handle(Problem.OVERSIZED);
          return;
        }
        if (pending.length() - offset - 4 < length) {
          break;
        }
        JsonObject frame;
        try {
          frame = new JsonObject(pending.getBuffer(offset + 4, offset + 4 + length));
        } catch (DecodeException | ClassCastException e) {
          broken = true;
          onProblem.handle(Problem.MALFORMED);
          return;
        }
        offset += 4 + length;
        onFrame.handle(frame);
        if (broken) {
          return;
        }
      }
      pending = offset == 0 ? pending : pending.getBuffer(offset, pending.length());
    }

    /** Stop reading (the connection is being closed). */
    public void stop() {
      broken = true;
    }
  }
}
