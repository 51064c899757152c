# title: Callwheel laps: a callout longer than the wheel
# note: With ncallout = 64 the FreeBSD callwheel has 64 buckets, so bucket = c_time & 63.
# long is set for 150 ticks (c_time 150, bucket 22) and short for 22 ticks (c_time 22, same
# bucket). The wheel is hashed, not hierarchical (scheme 6 of Varghese and Lauck): every time
# the scan reaches bucket 22 it walks the whole bucket and runs only the entries whose c_time
# equals the tick. At tick 22 short runs and long is skipped (a later lap); at tick 86 long is
# skipped again; at tick 150 it runs. A callout longer than the wheel costs one skip per lap.
ncallout = 64
callout_init(&long, 1)
callout_init(&short, 1)
callout_reset(&long, 150, long_fn, NULL)
callout_reset(&short, 22, short_fn, NULL)   # ask: fire_tick long
hardclock(150)
