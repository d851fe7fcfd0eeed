# A correct server that, every time it starts, leaves a process behind that never exits: in a
# session of its own (out of the check program's process group), with the test's token
# (CHATKIT_GRADE_TEST_TOKEN) on its command line so that the test can look for survivors.
import os
import subprocess
import sys

import stage2_server

subprocess.Popen(
    [sys.executable, "-c", "import time\nwhile True: time.sleep(1)",
     os.environ.get("CHATKIT_GRADE_TEST_TOKEN", "no-token")],
    start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
stage2_server.serve()
