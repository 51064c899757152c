# title: to_flags lifecycle: INITIALIZED, ONQUEUE, TRIGGERED
# note: The three flag functions are timeout.h macros that return to_flags & FLAG, the bit itself:
# TIMEOUT_ONQUEUE 2, TIMEOUT_INITIALIZED 4, TIMEOUT_TRIGGERED 8 (or 0), not 1. timeout_set sets
# INITIALIZED only (initialized = 4, pending = 0). timeout_add sets ONQUEUE (pending = 2). When
# softclock runs the timeout it clears ONQUEUE and sets TRIGGERED before calling the function, so
# inside its own handler pending is 0 and triggered is 8, as the man page says: triggered means
# "running or has been run". It stays set after the handler returns, until timeout_add or
# timeout_del clears it: the final timeout_del returns 0 (nothing queued) and clears TRIGGERED.
handler look {
  in_pending = timeout_pending(&t)
  in_triggered = timeout_triggered(&t)
}
i0 = timeout_initialized(&t)
timeout_set(&t, look, NULL)
i1 = timeout_initialized(&t)
p0 = timeout_pending(&t)
timeout_add(&t, 2)
p1 = timeout_pending(&t)
tr1 = timeout_triggered(&t)
hardclock(2)
p2 = timeout_pending(&t)
tr2 = timeout_triggered(&t)
d = timeout_del(&t)
tr3 = timeout_triggered(&t)
