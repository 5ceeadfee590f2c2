# Sends its stdin, closes its sending side (shutdown SHUT_WR), prints all it gets until the server closes.
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
while True:
    data = s.recv(65536)
    if not data:
        break
    sys.stdout.buffer.write(data)
