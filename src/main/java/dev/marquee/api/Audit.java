package dev.marquee.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.marquee.logging.Redact;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of privileged actions, on its own logger ({@code marquee.audit}) so operators can
 * route or keep it apart: every admin request and every owner action, allowed ({@code audit}, info)
 * or refused ({@code audit refused}, warn), with the action, the session where there is one, who
 * acted (admin, owner or user) and the caller's address shortened as everywhere in the logs. Never
 * a token.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger("marquee.audit");

  private Audit() {}

  /** An admin request that passed the admin token check. */
  public static void admin(RoutingContext ctx, String action) {
    log.info("audit", kv("action", action), kv("actor", "admin"), kv("ip", ip(ctx)));
  }

  /** An owner action on {@code session} allowed for {@code actor} (owner, admin or user). */
  public static void owner(String action, String session, String actor) {
    log.info("audit", kv("action", action), kv("session", session), kv("actor", actor));
  }

  /** A privileged request refused with {@code status}; {@code session} may be null. */
  public static void refused(String action, String session, int status, String ip) {
    log.warn(
        "audit refused",
        kv("action", action),
        kv("session", session),
        kv("status", status),
        kv("ip", ip));
  }

  /** The caller's address as logs show it (IPv4 /24, IPv6 /64). */
  public static String ip(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null ? null : Redact.ip(remote.hostAddress());
  }
}
