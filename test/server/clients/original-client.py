# A client in the style of the project tcpcmd replaces: one command per send,
# no newline, one recv(1024) per answer. Prints each answer between markers.
import socket
import sys

port = int(sys.argv[1])
s = socket.socket()
s.connect(("localhost", port))
for command in sys.argv[2:]:
    s.send(command.encode())
    print("<<<" + s.recv(1024).decode() + ">>>")
    sys.stdout.flush()
s.close()
