# title: Longest-prefix match: backtracking to a shorter prefix and to the default route
# note: Four routes: a default route, 10.0.0.0/8, 10.1.0.0/16 and a host route 10.1.2.3. rn_match
# first descends the radix tree by the bits of the destination to one leaf, then checks the
# destination against that leaf's key under its mask. 10.1.2.3 reaches its own host leaf and
# matches at once; 10.200.0.1 reaches the leaf 10.0.0.0/8 and matches it too. 10.1.2.4 reaches the
# host leaf 10.1.2.3 (no bit tested on the way tells them apart), differs from it at bit 29, and
# backtracks up the tree trying the masks that hang on each ancestor: the first that matches gives
# 10.1.0.0/16, the longest prefix containing it. 192.0.2.1 reaches the tree's right end marker
# 255.255.255.255, and backtracking finds the /0 mask: the default route. Each rtalloc1 returns the
# route locked with one more reference (refcnt 1), released with RTFREE_LOCKED.
route_add(0.0.0.0/0, 192.168.1.1)
route_add(10.0.0.0/8, 192.168.1.2)
route_add(10.1.0.0/16, 192.168.1.3)
route_add(10.1.2.3, 192.168.1.4)
host = rtalloc1(10.1.2.3, 0, 0)
RTFREE_LOCKED(host)   # ask: lookup 10.1.2.4
net16 = rtalloc1(10.1.2.4, 0, 0)
RTFREE_LOCKED(net16)
net8 = rtalloc1(10.200.0.1, 0, 0)
RTFREE_LOCKED(net8)
dflt = rtalloc1(192.0.2.1, 0, 0)
RTFREE_LOCKED(dflt)
