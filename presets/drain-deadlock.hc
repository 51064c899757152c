# title: callout_drain while holding Giant: deadlock
# note: The man page: callout_drain() "MUST NOT be called while holding any locks on which the
# callout might block, or deadlock will result." c was initialised with mpsafe = 0, so softclock
# takes Giant before calling its handler. The script takes Giant, then at tick 2 softclock dequeues
# c and sleeps waiting for Giant. callout_drain(&c) now sleeps until c's handler finishes, while
# the handler waits for the Giant the sleeping thread holds: neither can go on. The simulator
# detects the cycle and halts the machine with a panic naming the lock; the preset ends there.
callout_init(&c, 0)
callout_reset(&c, 2, f, NULL)
mtx_lock(&Giant)
hardclock(2)
callout_drain(&c)
