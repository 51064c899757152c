# title: RTM_MISS: a failed lookup reported to the routing socket
# note: With only 10.0.0.0/8 in the table, a lookup of 10.9.9.9 succeeds, and one of 11.0.0.1
# fails: rtalloc1 returns NULL and counts the failure in rts_unreach. With report = 0 that is all.
# With report = 1 rtalloc1 also sends an RTM_MISS message for 11.0.0.1 to routing-socket
# listeners (route monitor, a routing daemon): the rtm line of the trace. rtalloc(&ro) always
# asks for the report. Adding a default route ends the misses.
route_add(10.0.0.0/8, 192.168.1.1)
hit = rtalloc1(10.9.9.9, 1, 0)
RTFREE_LOCKED(hit)
quiet = rtalloc1(11.0.0.1, 0, 0)
loud = rtalloc1(11.0.0.1, 1, 0)
unreach = rts_unreach
route_add(0.0.0.0/0, 192.168.1.254)
dflt = rtalloc1(11.0.0.1, 1, 0)
RTFREE_LOCKED(dflt)
