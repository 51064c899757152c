# title: FreeBSD expires unused learned routes itself (in_clsroute, in_rtqtimo), beside NetBSD's rt_timer
# note: NetBSD hangs an rt_timer on a learned route when it learns it; FreeBSD (in_rmx.c) waits
# until nobody uses it. rtfree at the last reference calls the tree's close method in_clsroute,
# which marks a host route that is RTF_UP and RTF_DYNAMIC (a redirect here) RTPRF_OURS (flag 3
# in netstat) with rmx_expire = time_uptime + rtq_reallyold (net.inet.ip.rtexpire, 3600 s by
# default, 30 s here): see the Expire column. A callout, in_rtqtimo, deletes the marked routes
# whose rmx_expire has passed; it ran at boot and runs every rtq_timeout = 600 s, plus the tick
# tvtohz adds: at tick 6001 with hz = 10. Redirects carry no rt_timer here (icmp_redirtimeout =
# 0). 10.6.6.6 and 10.7.7.7 are redirected at tick 0, looked up and released at once: both get
# rmx_expire 30. At tick 5900 (uptime 590) a lookup of 10.7.7.7 goes through in_matroute, whose
# "first reference revives it": RTPRF_OURS and rmx_expire are cleared, and d keeps it. Beside
# them, a NetBSD path-MTU route to 10.5.5.5 learned at uptime 590 with ip_mtudisc_timeout = 5 s
# goes at the rt_timer scan of second 596 (tick 5960), 1-second granularity. FreeBSD's
# 10.6.6.6 has been overdue since second 30, but only the in_rtqtimo run of tick 6001 (uptime
# 600) deletes it: up to ten minutes late. 10.7.7.7 is referenced, so it stays; when d lets go
# at tick 6050 in_clsroute marks it again with rmx_expire 605 + 30 = 635. The kernel-internal
# deletes send no routing-socket message; the redirects send RTM_REDIRECT.
hz = 10
rtq_reallyold = 30
icmp_redirtimeout = 0
route_add(0.0.0.0/0, 192.168.1.1)
icmp_redirect(10.6.6.6, 192.168.1.2)
icmp_redirect(10.7.7.7, 192.168.1.3)
a = rtalloc1(10.6.6.6, 0, 0)
RTFREE_LOCKED(a)
c = rtalloc1(10.7.7.7, 0, 0)
RTFREE_LOCKED(c)
hardclock(5900)
d = rtalloc1(10.7.7.7, 0, 0)
RT_UNLOCK(d)
ip_mtudisc_timeout = 5
icmp_mtudisc(10.5.5.5, 1400)
hardclock(150)
RTFREE(d)
