-- PUBLISH from the node that owns the session's slot (KEYS[1] is only there to route the call).
-- On a cluster, events of one session published through different nodes could overtake each
-- other on their way over the cluster bus; one origin per session keeps them in order, the
-- same origin as the accept-message script's own PUBLISH.
-- KEYS[1] = P:session:{CODE}; ARGV[1] = P:room:{CODE}; ARGV[2] = the room-event JSON.
return redis.call('PUBLISH', ARGV[1], ARGV[2])
