# chat client

import socket
import socketfuncs
import sys

def receive_history(s):
	print("History:")
	x = socketfuncs.receive_message(s)
	for i in range(int(x)):
		print(socketfuncs.receive_message(s))

#Sockets and prints history
s = socket.socket()
s.connect(("18.234.145.155", 10125))
receive_history(s)
#Tries to catch user force quit during input
try:
	msg = input("Message: ")
except:
	print("Error: Force Quit")
	socketfuncs.send_message(s, "Error: Force Quit")
	s.close()
	sys.exit()

#Makes sure the input exists before sending it to server
if msg == "history":
	socketfuncs.send_message(s, msg)
	receive_history(s)
elif msg != "":
	socketfuncs.send_message(s, msg)
else:
	socketfuncs.send_message(s, "Invalid Input.")
	print("Invalid Input.")

s.close()
