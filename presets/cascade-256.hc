# title: Cascade at a 256-tick boundary (wheel 1)
# note: ticks starts 50 before zero (current OpenBSD also boots with a pre-wrapped ticks), so that
# three timeouts due at ticks 256, 300 and 400 are all more than 256 ticks away: softclock parks
# them together in wheel 1 bucket 1, the bucket of the block of ticks 256..511. Watch tick 256:
# the low byte of ticks is 0, so hardclock splices wheel 1 bucket 1 onto timeout_todo in one
# O(1) step (the cascade line: wheel 1, bucket 1, count 3). softclock then sorts each entry again
# by its remaining delay: t256 is due exactly at the boundary and runs in that same pass, t300 and
# t400 drop into wheel 0 buckets 0x2c and 0x90. This is scheme 7 of Varghese and Lauck: a timeout
# is touched once per wheel it passes through, never once per tick.
ticks = -50
timeout_set(&t256, at_boundary, NULL)
timeout_set(&t300, later, NULL)
timeout_set(&t400, much_later, NULL)
timeout_add(&t256, 306)   # ask: bucket t300
timeout_add(&t300, 350)
timeout_add(&t400, 450)
hardclock(306)   # ask: fire_tick t300
hardclock(144)
