# chat server

import socket
import socketfuncs
import sys

def send_history(conn, history):
	socketfuncs.send_message(conn, f"{len(history)}")
	for h in history:
		socketfuncs.send_message(conn, h)

#Sockets & creates history list
history = []
s = socket.socket()
s.bind(("0.0.0.0", 10125))

try:
	while True:
		print("Listening...")
		s.listen()
		(conn, address) = s.accept()
		print("Connected.")

		send_history(conn, history)

		#Prints new message and updates history
		msg = socketfuncs.receive_message(conn)
		if msg == "history":
			send_history(conn, history)
		else:
			print("New Message: %s" % msg)
			history.append(msg)

except:
	print("Error")
	s.close()
	sys.exit()

s.close()
