# title: callout_drain while holding Giant: the sleep drops Giant, no deadlock
# note: c is not MPSAFE (callout_init(&c, 0)), so softclock takes Giant before calling f. The script
# holds Giant, so at tick 2 softclock dequeues c and waits for Giant. callout_drain(&c) then sleeps
# (msleep_spin in _callout_stop_safe), and every sleep starts with DROP_GIANT(): the script gives
# Giant up, softclock takes it at once and calls f, which stays busy for 2 hardclocks holding
# Giant. When f returns at tick 4 the drain wakes, PICKUP_GIANT() takes Giant back, and drain
# returns 0; the script still holds Giant, so its mtx_unlock(&Giant) is legal. The man page's
# warning about draining while holding locks is about ordinary mutexes (see drain-deadlock).
handler f {
  busy(2)
  done = 1
}
callout_init(&c, 0)
callout_reset(&c, 2, f, NULL)
mtx_lock(&Giant)
hardclock(2)
r = callout_drain(&c)
mtx_unlock(&Giant)
