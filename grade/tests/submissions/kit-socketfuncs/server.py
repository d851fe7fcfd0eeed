# A correct server without a socketfuncs.py of its own: the kit's is on PYTHONPATH.
import stage2_server

stage2_server.serve()
