# title: callout_stop returns 0 while the handler runs
# note: The man page: "If the callout has already been serviced or is currently being serviced,
# then zero will be returned." The handler f keeps the softclock thread busy for 3 hardclocks
# (busy(3)). At tick 2 it has started, so callout_stop(&c) returns 0: there is nothing pending to
# cancel, and the handler goes on to finish at tick 5 (done = 1). callout_stop cannot tell you that
# the handler is still running; callout_drain can wait for it (see drain-wait).
handler f {
  busy(3)
  done = 1
}
callout_init(&c, 1)
callout_reset(&c, 2, f, NULL)
hardclock(2)
r = callout_stop(&c)
hardclock(3)
