# title: callout_drain waits for a running handler
# note: The man page: callout_drain() "is identical to callout_stop() except that it will wait for
# the callout to be completed if it is already in progress." f starts at tick 2 and stays busy for
# 3 hardclocks. callout_drain(&c) at tick 2 puts the script's thread to sleep; the simulator keeps
# ticking, and the thread wakes when f returns at tick 5. The call itself is recorded at tick 5,
# returning 0 (the callout was not pending). After a drain the callout's memory may be freed.
handler f {
  busy(3)
  done = 1
}
callout_init(&c, 1)
callout_reset(&c, 2, f, NULL)
hardclock(2)
r = callout_drain(&c)
