# title: ICMP redirect routes expire; icmp_redirtimeout = 0 deletes them all at once
# note: A router tells us that 10.5.5.5 is better reached via 192.168.1.2: icmp_redirect (rtredirect)
# creates a host route with flags UGHD (gateway, host, dynamic) with the kernel's own
# rtrequest(RTM_ADD), which sends no message, and then reports the redirect with RTM_REDIRECT;
# it puts an icmp_redirect_timeout timer on icmp_redirect_timeout_q. The sysctl net.inet.icmp.redirtimeout
# is set to 3 s (the default is 600) before anything happens; setting it non-zero creates the
# queue, which arms the 1 Hz scanner on its boot phase: scans at ticks 100, 200, ... with
# time_uptime 1, 2, ... The first redirect comes at tick 40 (rtt_time 0) and expires at the scan
# of tick 400 (0 + 3 < 4): icmp_redirect_timeout deletes it because it is RTF_DYNAMIC|RTF_HOST (a
# kernel-internal delete: no RTM_DELETE message).
# Two more redirects at tick 240 (rtt_time 2) would live until tick 600, but at tick 440 the
# administrator sets icmp_redirtimeout = 0, "redirects never expire": the sysctl handler destroys
# the queue with destroy = 1, which runs every action at once, so 10.6.6.6 and 10.7.7.7 are
# deleted at tick 440 without waiting for a scan (n = 2 just before). The queue pointer is now
# NULL (q = NULL) and a later redirect for 10.8.8.8 gets a route with no timer at all: it stays
# for good. rt_timer's man page describes the destroy flag but not this user of it; the
# behaviour is ip_icmp.c's sysctl handler (0 destroys with actions, non-zero changes the queue).
icmp_redirtimeout = 3
route_add(0.0.0.0/0, 192.168.1.1)
hardclock(40)
icmp_redirect(10.5.5.5, 192.168.1.2)
hardclock(200)
icmp_redirect(10.6.6.6, 192.168.1.3)
icmp_redirect(10.7.7.7, 192.168.1.3)
hardclock(200)
n = rt_timer_count(icmp_redirect_timeout_q)
icmp_redirtimeout = 0
q = icmp_redirect_timeout_q
icmp_redirect(10.8.8.8, 192.168.1.4)
hardclock(300)
