# A correct server that first asks for 3 GiB (as a server that keeps every byte it ever read
# would, in time). Under chat-grade's memory limit the request is refused (MemoryError) and the
# server never starts. Without a limit, bytes(n) is only reserved, never touched: it costs the
# machine nothing and the server runs correctly.
import stage2_server

reserve = bytes(3 << 30)
stage2_server.serve()
