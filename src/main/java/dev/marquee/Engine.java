package dev.marquee;

import dev.marquee.bus.RoomBus;
import dev.marquee.history.RecentHistory;
import dev.marquee.messaging.MessageIntake;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The hot path: one implementation of every engine port, chosen together by {@link Engines}. {@code
 * probe} answers the readiness check; {@code maintain} runs with every sweep; {@code shutdown} runs
 * after the sockets closed and the write buffers drained ({@code drained} says whether they did).
 */
public record Engine(
    String name,
    SessionStore sessions,
    RoomBus bus,
    PresenceRegistry presence,
    RecentHistory history,
    RateLimiter limits,
    MessageIntake intake,
    Supplier<Future<JsonObject>> probe,
    Supplier<Future<Void>> maintain,
    Function<Boolean, Future<Void>> shutdown) {}
