# title: A stale NULL rt_timer deletes a newer route: rtrequest(RTM_DELETE) by key alone
# note: rt_timer(9) says a NULL function "deletes the route"; the code (NetBSD route.c) runs
# rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0): a key with no netmask and no route pointer, so
# rn_delete(key, NULL) removes the head of that key's dupedkey chain, whatever route it is. rt
# (10.1.2.0/24 via 192.168.1.1) gets a NULL timer on a 2 s queue at tick 0 (rtt_time 0, so the
# scan of tick 300 takes it: 0 + 2 < 3), and so does the default route d. At tick 50 the
# administrator deletes the /24 (route(8): RTM_DELETE) and adds it again via 192.168.1.2. The old
# entry is still referenced by rt, so it waits in rttrash, and rtrequest1 left its timer alone
# (only rtfree drops timers, when a route is really freed; the man page's "used when a route is
# deleted" means freed): at tick 300 the stale timer runs on the deleted route, asks to delete
# the key 10.1.2.0, and the new /24 goes (no routing-socket message: a kernel-internal
# rtrequest). The default route's NULL timer deletes nothing: the head of 0.0.0.0's chain is the
# radix tree's left end marker, which rn_delete refuses (ESRCH). So after tick 300 10.1.2.9
# follows the default route (via = 0.0.0.0/0), and the last RTFREE frees the old entry.
hz = 100
route_add(0.0.0.0/0, 192.168.1.254)
route_add(10.1.2.0/24, 192.168.1.1)
rt = rtalloc1(10.1.2.9, 0, 0)
RT_UNLOCK(rt)
d = rtalloc1(192.0.2.1, 0, 0)
RT_UNLOCK(d)
q = rt_timer_queue_create(2)
rt_timer_add(rt, NULL, q)
rt_timer_add(d, NULL, q)
hardclock(50)
route_delete(10.1.2.0/24)
route_add(10.1.2.0/24, 192.168.1.2)
before = rtalloc1(10.1.2.9, 0, 0)
RTFREE_LOCKED(before)
hardclock(250)
via = rtalloc1(10.1.2.9, 1, 0)
RTFREE_LOCKED(via)
RTFREE(rt)
RTFREE(d)
