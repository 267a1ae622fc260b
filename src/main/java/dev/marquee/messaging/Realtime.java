package dev.marquee.messaging;

import dev.marquee.analytics.AnalyticsLog;
import dev.marquee.bus.RoomBus;
import dev.marquee.config.Config;
import dev.marquee.history.RecentHistory;
import dev.marquee.metrics.Metrics;
import dev.marquee.presence.PresenceRegistry;
import dev.marquee.ratelimit.RateLimiter;
import dev.marquee.session.SessionService;
import io.vertx.core.Vertx;

/** What the WebSocket edge works with, shared by every event loop. */
public record Realtime(
    Vertx vertx,
    Config config,
    SessionService sessions,
    PresenceRegistry presence,
    RecentHistory history,
    MessageIntake intake,
    RoomBus bus,
    RateLimiter limiter,
    Metrics metrics,
    AnalyticsLog analytics) {}
