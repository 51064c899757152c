# title: Same deadline, added later, runs first (reference 1.11)
# note: A is added at tick 0 for tick 300; B is added at tick 100 for the same tick 300. A is 300
# ticks away, so it goes to wheel 1; B is 200 ticks away, so it goes straight to wheel 0 bucket
# 0x2c. At tick 256 wheel 1 bucket 1 cascades and A is appended to the same bucket 0x2c, behind
# B. At tick 300 the bucket is walked head to tail: B runs before A although A was added first.
# timeout(9) promises no order among timeouts due on the same tick; this is why.
timeout_set(&A, fa, NULL)
timeout_set(&B, fb, NULL)
timeout_add(&A, 300)
hardclock(100)
timeout_add(&B, 200)
hardclock(200)
