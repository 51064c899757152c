# title: The 1 Hz scan: a T-second timer lives strictly between T and T + 2 seconds
# note: rt_timer keeps no deadline per timer: it stamps rtt_time = time_uptime, a whole number of
# seconds, and a single scanner runs every hz ticks (here at ticks 100, 200, 300, armed at tick
# 0 by the first rt_timer_queue_create) taking each head while rtt_time + rtq_timeout <
# time_uptime. So the real lifetime depends on where in the scanner's second a timer is added.
# Four timers on two queues, timeout 0 (q0) and 1 (q1), added at two phases of the same uptime
# second 1: at tick 101, just after the scan of tick 100, and at tick 199, just before the scan
# of tick 200. All four have rtt_time 1. Timeout 0: 1 + 0 < 2 at the scan of tick 200, so after0
# lives 99 ticks (0.99 s) and before0 one tick (0.01 s). Timeout 1: 1 + 1 < 3 at tick 300, so
# after1 lives 1.99 s and before1 1.01 s. Every lifetime is strictly between T and T + 2 seconds,
# and a timeout of 0 still waits for the next second's scan. The man page promises f "after the
# timeout period for queue q has elapsed" and never mentions this 1-second granularity or the
# strict comparison; queues are scanned newest first, each head first, so q0's two go in the
# order they were added.
route_add(10.0.0.1, 192.168.1.1)
route_add(10.0.0.2, 192.168.1.1)
route_add(10.0.0.3, 192.168.1.1)
route_add(10.0.0.4, 192.168.1.1)
r1 = rtalloc1(10.0.0.1, 0, 0)
RT_UNLOCK(r1)
r2 = rtalloc1(10.0.0.2, 0, 0)
RT_UNLOCK(r2)
r3 = rtalloc1(10.0.0.3, 0, 0)
RT_UNLOCK(r3)
r4 = rtalloc1(10.0.0.4, 0, 0)
RT_UNLOCK(r4)
q0 = rt_timer_queue_create(0)
q1 = rt_timer_queue_create(1)
hardclock(101)
rt_timer_add(r1, after0, q0)
rt_timer_add(r3, after1, q1)
hardclock(98)
rt_timer_add(r2, before0, q0)
rt_timer_add(r4, before1, q1)
hardclock(101)
RTFREE(r1)
RTFREE(r2)
RTFREE(r3)
RTFREE(r4)
