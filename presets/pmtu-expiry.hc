# title: PMTU route expiry: a learned MTU is forgotten after ip_mtudisc_timeout
# note: A router on the way to 10.9.8.7 sends ICMP "fragmentation needed, next-hop MTU 1400".
# icmp_mtudisc clones a host route from the default route (flags UGHD: gateway, host, dynamic)
# with MTU 1400 and puts an icmp_mtudisc_timeout timer on ip_mtudisc_timeout_q, stamped
# rtt_time = time_uptime = 2 (whole seconds: the message came at tick 250, 2.5 s after boot).
# The queue is created on first use here, but NetBSD's ip_init creates it at boot, so the
# scanner rt_timer_timer, a timeout that runs every hz ticks, keeps its boot phase: ticks 300,
# 400, ... (not 350: it was armed at tick 0, not when the first message came). The clone and the
# expiry are the kernel's own rtrequest() calls, so no RTM_ADD or RTM_DELETE goes to the routing
# socket (only route(8)'s RTM_ADD of the default route does).
# ip_mtudisc_timeout is 5 s instead of the default 600 (RFC 1191's ten minutes) so that you can
# watch it. The scan takes a timer only when rtt_time + rtq_timeout < time_uptime, strictly: at
# tick 700, 4.50 s after the message, it finds 2 + 5 < 7 false and the route stays (left = 1,
# read at tick 750). At tick 800 it finds 2 + 5 < 8: icmp_mtudisc_timeout deletes the route, so
# the next packet to 10.9.8.7 follows the default route and probes the path MTU again. The
# scenario still holds the reference rtalloc1 gave it: the deleted route waits in rttrash
# (trash = 1) and is freed only by the last RTFREE (trash_after = 0). The man page says f
# is called "after the timeout period for queue q has elapsed"; the code adds a 1-second
# granularity and a strict comparison, so a T-second timer lives strictly between T and T + 2
# seconds (5.5 s here).
hz = 100
ip_mtudisc_timeout = 5
route_add(0.0.0.0/0, 192.168.1.1)
hardclock(250)   # ask: rt_expire
icmp_mtudisc(10.9.8.7, 1400)
rt = rtalloc1(10.9.8.7, 0, 0)
RT_UNLOCK(rt)
hardclock(500)
left = rt_timer_count(ip_mtudisc_timeout_q)
hardclock(100)
gone = rt_timer_count(ip_mtudisc_timeout_q)
trash = rttrash
again = rtalloc1(10.9.8.7, 0, 0)
RTFREE_LOCKED(again)
hardclock(100)
RTFREE(rt)
trash_after = rttrash
