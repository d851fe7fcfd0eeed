# The Python track of the exercises (exercises/stageN/python/, exercises/solutions/stageN/python/):
# check-stageN-python and its teeth. Included by CMakeLists.txt, after the check programs.
