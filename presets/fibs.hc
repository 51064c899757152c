# title: FIBs: the same destination, a different answer per table
# note: rt_numfibs = 2 gives two forwarding information bases, each with its own radix tree (the
# boot tunable net.fibs; it cannot change once routes exist). 10.0.0.0/8 goes via 192.168.1.1 in
# fib 0 and via 172.16.0.1 in fib 1, and only fib 1 has a default route. rtalloc1_fib(10.1.2.3,
# ..., fib) returns a different rtentry for each fib; 192.0.2.1 is unreachable in fib 0 but found
# in fib 1. A process or socket chooses its fib (setfib(1)); rtalloc1 is rtalloc1_fib with fib 0.
rt_numfibs = 2
route_add(10.0.0.0/8, 192.168.1.1, 0)
route_add(10.0.0.0/8, 172.16.0.1, 1)
route_add(0.0.0.0/0, 172.16.0.254, 1)
a = rtalloc1_fib(10.1.2.3, 0, 0, 0)
RTFREE_LOCKED(a)
b = rtalloc1_fib(10.1.2.3, 0, 0, 1)
RTFREE_LOCKED(b)
c = rtalloc1_fib(192.0.2.1, 0, 0, 0)
d = rtalloc1_fib(192.0.2.1, 0, 0, 1)
RTFREE_LOCKED(d)
