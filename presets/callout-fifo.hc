# title: Same-tick callouts run in the order they were (re)set
# note: callout_reset appends to the tail of the bucket for c_time, and softclock walks the bucket
# from the head, so callouts due on the same tick run first-in first-out. a, b and c are all set
# for tick 10; then a is reset, again for tick 10. The man page says callout_reset "first calls
# callout_stop() to disestablish the callout": a is unlinked and appended behind c. At tick 10
# the order is b, c, a.
callout_init(&a, 1)
callout_init(&b, 1)
callout_init(&c, 1)
callout_reset(&a, 10, fa, NULL)
callout_reset(&b, 10, fb, NULL)
callout_reset(&c, 10, fc, NULL)
hardclock(3)
callout_reset(&a, 7, fa, NULL)
hardclock(7)
