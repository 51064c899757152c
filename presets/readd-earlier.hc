# title: Re-add with an earlier deadline: moved to timeout_todo
# note: The man page says that if the timeout "is already scheduled, the old execution time will
# be replaced by the new one", and timeout_add returns 0 because it "was already queued". How it
# is replaced depends on the direction. Here t sits in wheel 1 for tick 500; re-adding it for
# tick 150 is strictly earlier, so timeout_add unlinks it from its bucket and appends it to
# timeout_todo (the MovedEarlier note). The next softclock files it in wheel 0 and it runs at 150,
# once; the old deadline 500 is gone with the bucket it left.
timeout_set(&t, handler_t, NULL)
r1 = timeout_add(&t, 500)
hardclock(100)
r2 = timeout_add(&t, 50)
hardclock(450)
