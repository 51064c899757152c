# title: rt_timer_queue_change: the next scan judges every entry by the new timeout
# note: Two queues share the one 1 Hz scanner, armed at tick 0 by the first rt_timer_queue_create,
# so scans run at ticks 100, 200, ... with time_uptime 1, 2, ... Both timers are added at tick 0
# (rtt_time 0). qshort starts at 600 s and qlong at 1 s: r2 would go at tick 200 (0 + 1 < 2). At
# tick 150 both timeouts change. rt_timer_queue_change only stores the new rtq_timeout: nothing
# is rescheduled, and the very next scans apply it to the entries already queued. qshort, now
# 2 s, gives up r1 at tick 300 (0 + 2 < 3) instead of after ten minutes; qlong, now 4 s, keeps
# r2 past tick 200 until tick 500 (0 + 4 < 5). The man page says the change takes effect "the
# next time the timer queue's timeout expires (based on the previous timeout value)", and then
# "the new timeout period scheduled", as if each queue had a timer of its own with that period.
# In the code there is no per-queue period: a single scanner looks at every queue each second,
# so a shortened queue empties at once (not after the old 600 s) and a lengthened one also
# postpones entries that the old value was about to expire. Its prototype says time_t; the code
# takes a long ("Any value, including 0, is valid": 0 expires everything at the next scan).
route_add(10.0.0.1, 192.168.1.1)
route_add(10.0.0.2, 192.168.1.1)
r1 = rtalloc1(10.0.0.1, 0, 0)
RT_UNLOCK(r1)
r2 = rtalloc1(10.0.0.2, 0, 0)
RT_UNLOCK(r2)
qshort = rt_timer_queue_create(600)
qlong = rt_timer_queue_create(1)
rt_timer_add(r1, shortened, qshort)
rt_timer_add(r2, lengthened, qlong)
hardclock(150)
rt_timer_queue_change(qshort, 2)
rt_timer_queue_change(qlong, 4)
hardclock(400)
RTFREE(r1)
RTFREE(r2)
