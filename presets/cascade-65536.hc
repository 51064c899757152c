# title: Cascade at 65536 (wheel 2)
# note: A timeout 70000 ticks away is beyond wheel 1's reach of 2^16 ticks, so softclock files it
# in wheel 2, bucket (70000 >> 16) & 255 = 1, and nothing touches it for 65535 ticks. At tick
# 65536 the two low bytes of ticks are 0, so hardclock also splices wheel 2 bucket 1 (the cascade
# line with wheel 2; the empty buckets of wheels 0 and 1 are spliced silently). softclock finds
# 4464 ticks to go and files it in wheel 1 bucket 0x11; at tick 69888 (0x11100) that bucket
# cascades it into wheel 0 bucket 0x70, and it runs on the exact tick 70000: three moves for a
# timeout 70000 ticks long.
timeout_set(&far, far_away, NULL)
timeout_add(&far, 70000)
hardclock(70000)
