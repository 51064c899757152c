# title: callout_drain while holding the driver's mutex: deadlock
# note: The man page: callout_drain() "MUST NOT be called while holding any locks on which the
# callout might block, or deadlock will result." The lock that does it is an ordinary mutex, here
# the driver's sc_mtx: the script takes sc_mtx, and at tick 2 the handler f runs and blocks in
# mtx_lock(&sc_mtx). callout_drain(&c) now sleeps until f returns, while f waits for the sc_mtx the
# sleeping thread holds: neither can go on. The simulator detects the cycle and halts the machine
# with a panic naming the lock; the preset ends there. Giant would not do it: every sleep drops
# Giant (DROP_GIANT in msleep), so a drainer holding Giant lets the handler run (see drain-giant).
handler f {
  mtx_lock(&sc_mtx)
  mtx_unlock(&sc_mtx)
}
callout_init(&c, 1)
callout_reset(&c, 2, f, NULL)
mtx_lock(&sc_mtx)
hardclock(2)
callout_drain(&c)
