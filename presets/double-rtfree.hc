# title: Double RTFREE: use after free
# note: Every reference must be released exactly once. rt and copy point at the same entry, which
# holds one reference. After it is deleted, RTFREE(rt) drops the last reference and frees it
# (RTFREE also sets rt to NULL, but not copy). RTFREE(copy) then locks the mutex of freed memory:
# on a real kernel that is a use after free that may corrupt memory silently; here the simulated
# machine panics with the message an INVARIANTS kernel prints, and the preset ends there.
route_add(10.0.0.0/8, 192.168.1.1)
rt = rtalloc1(10.1.2.3, 0, 0)
copy = rt
RT_UNLOCK(rt)
route_delete(10.0.0.0/8)
RTFREE(rt)
RTFREE(copy)
