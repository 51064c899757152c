# title: timeout_add_msec truncates: 5 ms at hz = 100 is 0 ticks
# note: At hz = 100 a tick is 10 ms. In 5.6 timeout_add_msec(&to, 5) computes 5 * 1000 / 10000 =
# 0 ticks: integer division truncates and there is no "at least one tick" rule yet (added in
# 2017). So the 5 ms timeout is added with 0 ticks and runs at the next hardclock, while 15 ms
# becomes 1 tick, not 2: both run at tick 1. timeout_add_msec(&to, 25) is 2 ticks. Ask for
# delays in ticks, or expect them rounded down to the tick.
hz = 100
timeout_set(&m5, five_ms, NULL)
timeout_set(&m15, fifteen_ms, NULL)
timeout_set(&m25, twenty_five_ms, NULL)
timeout_add_msec(&m5, 5)
timeout_add_msec(&m15, 15)
timeout_add_msec(&m25, 25)
hardclock(3)
