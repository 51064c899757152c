# title: struct route caching: replaced after the cached route is deleted
# note: Protocols keep a struct route per connection so that they do not look up the route for
# every packet. The man page: on subsequent calls rtalloc_fib "returns without performing a lookup
# if ro->ro_rt is non-null and the RTF_UP flag is set". The first rtalloc(&ro) looks up 10.1.2.3 and
# caches 10.0.0.0/8 with a reference (refcnt 1); the second returns at once. Then 10.0.0.0/8 is
# deleted (it waits in rttrash: the cache still references it) and a more specific 10.1.0.0/16 is
# added. The next rtalloc(&ro) sees RTF_UP clear, frees the stale entry (its last reference) and
# looks up again, caching 10.1.0.0/16. RO_RTFREE(&ro) releases the cache's reference at the end.
route_add(10.0.0.0/8, 192.168.1.1)
ro.ro_dst = 10.1.2.3
rtalloc(&ro)
first = ro.ro_rt
rtalloc(&ro)
route_delete(10.0.0.0/8)
route_add(10.1.0.0/16, 192.168.1.2)
rtalloc(&ro)
second = ro.ro_rt
RO_RTFREE(&ro)
