# title: rt_timer_queue_destroy: with destroy = 1 the actions run, with 0 they do not
# note: Two queues of 3 s, each holding two timers with a NULL action ("the route will be deleted
# when the timeout expires"), added at tick 0 and tick 100; rt_timer_count says 2 and 2. Left
# alone, the scans would delete 10.0.0.1 and 10.0.0.3 at tick 400 (0 + 3 < 4) and the other two
# at tick 500. At tick 250 qa is destroyed with destroy = 1: every entry is popped from the head
# and its action runs at once, whatever its age, so 10.0.0.1 and 10.0.0.2 are deleted now (at
# tick 250, by the kernel's own rtrequest: no RTM_DELETE message; the scenario still holds
# references, so they wait in rttrash: trash =
# 2). qb is destroyed with destroy = 0: its timers are dropped without running, 10.0.0.3 and
# 10.0.0.4 stay in the table with no timer at all, and nothing happens at tick 400 or ever. Both
# queues are unlinked from the scanner's list; the scanner itself keeps running every second
# with nothing to scan. The man page documents destroy; it does not say that in every NetBSD
# version the caller must free the queue afterwards (using it again is a use after free, a panic
# here), that the 2018 code (route.c 1.207) drops the argument and always runs the actions, or
# that rt_timer_count exists at all.
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
qa = rt_timer_queue_create(3)
qb = rt_timer_queue_create(3)
rt_timer_add(r1, NULL, qa)
rt_timer_add(r3, NULL, qb)
hardclock(100)
rt_timer_add(r2, NULL, qa)
rt_timer_add(r4, NULL, qb)
na = rt_timer_count(qa)
nb = rt_timer_count(qb)
hardclock(150)
rt_timer_queue_destroy(qa, 1)
trash = rttrash
rt_timer_queue_destroy(qb, 0)
hardclock(300)
RTFREE(r1)
RTFREE(r2)
RTFREE(r3)
RTFREE(r4)
trash_after = rttrash
