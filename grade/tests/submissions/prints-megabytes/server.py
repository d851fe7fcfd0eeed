# A correct server that prints 8 MiB after its listening line, every time it starts.
import stage2_server


def print_megabytes():
    line = "x" * 1023
    for _ in range(8 * 1024):
        print(line)


stage2_server.serve(after_listening=print_megabytes)
