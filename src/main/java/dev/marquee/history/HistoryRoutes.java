package dev.marquee.history;

import dev.marquee.api.ApiException;
import dev.marquee.api.Responses;
import dev.marquee.api.Times;
import dev.marquee.api.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The history endpoints of PROTOCOL.md: pages, the latest messages, search, stats and clearing.
 * Ended sessions' history stays readable; only clearing needs the owner or admin token.
 */
public final class HistoryRoutes {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");

  private final HistoryService history;

  public HistoryRoutes(HistoryService history) {
    this.history = history;
  }

  public void mount(Router router) {
    router.get("/api/session/:code/history").handler(this::newestFirst);
    router.get("/api/session/:code/history/latest").handler(this::latest);
    router.get("/api/session/:code/history/search").handler(this::search);
    router.get("/api/session/:code/history/stats").handler(this::stats);
    router.delete("/api/session/:code/history").handler(this::clear);
  }

  private void newestFirst(RoutingContext ctx) {
    int page = pageNumber(ctx);
    int limit = limit(ctx);
    long offset = (long) (page - 1) * limit;
    history
        .sessions()
        .requireKnown(ctx.pathParam("code"))
        .compose(code -> history.page(code, offset, limit))
        .onSuccess(
            p -> {
              JsonArray messages = new JsonArray();
              p.messages().forEach(m -> messages.add(StoredMessageJson.toJson(m)));
              Responses.json(ctx, 200, pageBody(messages, page, limit, offset, p.total()));
            })
        .onFailure(ctx::fail);
  }

  private void latest(RoutingContext ctx) {
    int limit = limit(ctx);
    history
        .sessions()
        .requireKnown(ctx.pathParam("code"))
        .compose(code -> history.latest(code, limit))
        .onSuccess(
            list -> {
              JsonArray messages = new JsonArray();
              list.forEach(m -> messages.add(StoredMessageJson.toJson(m)));
              Responses.json(ctx, 200, new JsonObject().put("messages", messages));
            })
        .onFailure(ctx::fail);
  }

  private void search(RoutingContext ctx) {
    SearchQuery query = SearchQuery.parse(ctx.queryParams().get("q"));
    int page = pageNumber(ctx);
    int limit = limit(ctx);
    long offset = (long) (page - 1) * limit;
    history
        .sessions()
        .requireKnown(ctx.pathParam("code"))
        .compose(code -> history.search(code, query, offset, limit))
        .onSuccess(
            found -> {
              JsonArray messages = new JsonArray();
              for (HistoryStore.Match match : found.matches()) {
                messages.add(
                    StoredMessageJson.toJson(match.message())
                        .put("highlight", Highlight.segments(match.marked())));
              }
              Responses.json(ctx, 200, pageBody(messages, page, limit, offset, found.total()));
            })
        .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    history
        .sessions()
        .requireKnown(ctx.pathParam("code"))
        .compose(history::stats)
        .onSuccess(s -> Responses.json(ctx, 200, statsBody(s)))
        .onFailure(ctx::fail);
  }

  private void clear(RoutingContext ctx) {
    history
        .sessions()
        .requireKnown(ctx.pathParam("code"))
        .compose(
            code ->
                history
                    .sessions()
                    .requireOwner(
                        code,
                        Tokens.bearer(ctx.request().getHeader("Authorization")),
                        "history_clear")
                    .compose(v -> history.clear(code))
                    .map(code))
        .onSuccess(
            code ->
                Responses.json(ctx, 200, new JsonObject().put("code", code).put("cleared", true)))
        .onFailure(ctx::fail);
  }

  private static JsonObject pageBody(
      JsonArray messages, int page, int limit, long offset, long total) {
    return new JsonObject()
        .put("messages", messages)
        .put("page", page)
        .put("limit", limit)
        .put("total", total)
        .put("hasMore", offset + messages.size() < total);
  }

  private static JsonObject statsBody(HistoryService.Stats s) {
    JsonArray bySender = new JsonArray();
    List<HistoryStore.Sender> senders = s.bySender();
    senders.forEach(
        sender ->
            bySender.add(new JsonObject().put("name", sender.name()).put("count", sender.count())));
    long duration =
        s.firstAt() == null ? 0 : s.lastAt().toEpochMilli() - s.firstAt().toEpochMilli();
    return new JsonObject()
        .put("count", s.count())
        .put("firstAt", Times.iso(s.firstAt()))
        .put("lastAt", Times.iso(s.lastAt()))
        .put("durationMs", duration)
        .put("senders", senders.size())
        .put("bySender", bySender);
  }

  private static int pageNumber(RoutingContext ctx) {
    return number(ctx, "page", 1, Integer.MAX_VALUE, 1, "page must be a whole number from 1");
  }

  private static int limit(RoutingContext ctx) {
    return number(
        ctx,
        "limit",
        1,
        MAX_LIMIT,
        DEFAULT_LIMIT,
        "limit must be a whole number from 1 to " + MAX_LIMIT);
  }

  private static int number(
      RoutingContext ctx, String name, int min, int max, int fallback, String message) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    if (!WHOLE_NUMBER.matcher(raw).matches()) {
      throw ApiException.badRequest(message);
    }
    int value = Integer.parseInt(raw);
    if (value < min || value > max) {
      throw ApiException.badRequest(message);
    }
    return value;
  }
}
