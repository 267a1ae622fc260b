-- Deletes a session's outbox stream (and with it the consumer group) once the session is gone and
-- the stream is empty; entries that are pending count in XLEN, so none is lost. The caller took
-- the session out of P:outbox:sessions first and puts it back when this answers 0.
--
-- KEYS: 1 the session's outbox stream, 2 the session hash
-- Returns 1 when the stream is gone for good, 0 when the session lives or entries are waiting.

if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('XLEN', KEYS[1]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
