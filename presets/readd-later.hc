# title: Re-add with a later deadline: left in place, re-bucketed lazily
# note: t is due at tick 100 and sits in wheel 0 bucket 0x64. At tick 50 it is re-added for
# tick 350. The deadline is not earlier, so timeout_add only changes to_time and returns 0: the
# entry stays in the old bucket (the LeftInPlace note). Nothing happens until tick 100, when
# hardclock splices that bucket and softclock finds to_time - ticks = 250 > 0: it re-buckets t
# into wheel 0 bucket 0x5e (for tick 350) instead of running it. Laziness costs one extra
# visit, but timeout_add stays O(1) with no bucket arithmetic at all.
timeout_set(&t, handler_t, NULL)
r1 = timeout_add(&t, 100)
hardclock(50)
r2 = timeout_add(&t, 300)
hardclock(300)
