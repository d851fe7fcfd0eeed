# Never exits: loops forever (sleeping, so that it costs the grading machine nothing).
import time

while True:
    time.sleep(1)
