# title: ticks wraps around INT_MAX
# note: ticks is a 32-bit signed int that starts here at 2147483600, 47 ticks before INT_MAX.
# t is added for 100 ticks: to_time = ticks + 100 overflows to -2147483596. Every comparison in
# kern_timeout.c is a signed difference, to_time - ticks, which stays 100, 99, ... 0 across the
# wrap, so t is filed by its delay and runs exactly 100 ticks later, at tick -2147483596. Code
# that compared to_time < ticks directly would fire it at once.
ticks = 2147483600
timeout_set(&t, wrapped, NULL)
timeout_add(&t, 100)
hardclock(100)
