# title: 4.4BSD calltodo is LIFO among equal deadlines, the callwheel FIFO
# note: With callout_impl = 1 the legacy timeout() uses the 4.4BSD calltodo delta list: each entry
# stores its delay relative to the one before, insertion walks the list (O(n)) and stops before
# the first entry that is not earlier, so a later timeout for the same tick goes in front: a and
# b, both for tick 5, run b then a. The callout_reset API always uses the callwheel, which appends
# to the bucket tail: c1 and c2, both for tick 5, run c1 then c2. Costello and Varghese replaced the
# O(n) list with the callwheel in FreeBSD 3.0; neither order is promised by the man page.
callout_impl = 1
timeout(f, a, 5)
timeout(f, b, 5)
timeout(f, early, 3)
callout_init(&c1, 1)
callout_init(&c2, 1)
callout_reset(&c1, 5, g, c1)
callout_reset(&c2, 5, g, c2)
hardclock(5)
