# title: to_flags lifecycle: INITIALIZED, ONQUEUE, TRIGGERED
# note: timeout_set sets INITIALIZED only (initialized = 1, pending = 0). timeout_add sets ONQUEUE
# (pending = 1). When softclock runs the timeout it clears ONQUEUE and sets TRIGGERED before
# calling the function, so inside its own handler pending is 0 and triggered is 1, as the man page
# says: triggered means "running or has been run". It stays set after the handler returns, until
# timeout_add or timeout_del clears it: the final timeout_del returns 0 (nothing queued) and
# clears TRIGGERED.
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
