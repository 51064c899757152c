# title: rt_timer_add replaces the route's timer with the same function, on any queue
# note: A route may carry several timers, but only one per function. At tick 0 r1 gets probe() and
# a NULL action on the slow queue (10 s): two functions, two timers (ns = 2). At tick 150
# rt_timer_add(r1, probe, fast) first looks through the route's own timer list for probe, finds
# it on the slow queue and drops it (the replaced note), then appends a fresh probe timer to the
# fast queue (2 s) with rtt_time 1: each queue now holds one timer (ns2 = nf2 = 1), and probe
# runs at the scan of tick 400 (1 + 2 < 4), not at 1100. The NULL timer is untouched until tick
# 500, when rt_timer_add(r1, NULL, fast) moves it the same way (ns3 = 0, nf3 = 1; rtt_time 5):
# at the scan of tick 800 (5 + 2 < 8) the NULL action deletes the route by its key (a
# kernel-internal rtrequest: no RTM_DELETE message). The scenario holds a reference from
# rtalloc1, so the deleted route waits in
# rttrash (trash = 1) until RTFREE frees it. The man page says only that f "will be called after
# the timeout period for queue q has elapsed" and that NULL deletes the route; it does not say
# that a timer with the same function on a different queue is replaced too, nor that re-adding
# restarts the timer with a new rtt_time at the queue tail (a refresh, not a no-op).
route_add(10.0.0.1, 192.168.1.1)
r1 = rtalloc1(10.0.0.1, 0, 0)
RT_UNLOCK(r1)
slow = rt_timer_queue_create(10)
fast = rt_timer_queue_create(2)
rt_timer_add(r1, probe, slow)
rt_timer_add(r1, NULL, slow)
ns = rt_timer_count(slow)
hardclock(150)
rt_timer_add(r1, probe, fast)
ns2 = rt_timer_count(slow)
nf2 = rt_timer_count(fast)
hardclock(350)
rt_timer_add(r1, NULL, fast)
ns3 = rt_timer_count(slow)
nf3 = rt_timer_count(fast)
hardclock(400)
trash = rttrash
RTFREE(r1)
trash_after = rttrash
