# title: A referenced route outlives its deletion (rttrash)
# note: rtalloc1 returns 10.0.0.0/8 locked with rt_refcnt 1: the caller holds a reference. RT_UNLOCK
# drops the lock, not the reference. route_delete then removes the route from the radix tree and
# clears RTF_UP (the route_delete line shows refcnt 1), but it cannot free memory someone still
# points at: the entry waits in rttrash (rttrash = 1) and lookups no longer find it. Only the last
# RTFREE, which brings rt_refcnt to 0 on an entry that is no longer RTF_UP, frees it (freed: true;
# rttrash = 0). A route nobody references is freed by the delete itself.
route_add(10.0.0.0/8, 192.168.1.1)
rt = rtalloc1(10.1.2.3, 0, 0)
RT_UNLOCK(rt)
route_delete(10.0.0.0/8)
trash = rttrash
gone = rtalloc1(10.1.2.3, 0, 0)
RTFREE(rt)
trash_after = rttrash
