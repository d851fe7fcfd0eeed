# A correct server, except that it ignores --port and always listens on 10000.
import stage2_server

stage2_server.serve(port=10000)
