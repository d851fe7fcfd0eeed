# A fork bomb: every process forks again and again. Only where a process limit stops it: without
# one (RLIMIT_NPROC over 1000, or none) it refuses to start, so that it can never hurt a machine
# that runs it outside chat-grade's sandbox.
import os
import resource
import sys
import time

soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
if soft == resource.RLIM_INFINITY or soft > 1000:
    sys.exit("fork-bomb fixture: no process limit here, refusing to run")
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.5)  # At the limit: wait (quietly) for a process to end, then fork again.
