package dev.marquee.messaging;

import dev.marquee.testing.TestRedis;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The whole protocol on the Redis engine with REDIS_ENCRYPTION_KEY set. */
class EncryptedRedisProtocolTest extends ProtocolContract {
  @Override
  protected Map<String, String> engineEnv() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Map<String, String> env = new HashMap<>(TestRedis.engineEnv());
    env.put("REDIS_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
    return env;
  }
}
