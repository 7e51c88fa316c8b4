#!/usr/bin/env python3
"""HTTP server for the link-scan benchmark: every request to any path is
answered 200 after --delay milliseconds. Binds 127.0.0.1 on a free port,
prints the port and exits by itself after --lifetime seconds.

One asyncio event loop serves every connection, with keep-alive, so many
slow requests wait side by side without a thread each and the server is
not what limits the scan.
"""
import argparse
import asyncio
import os
import sys

REPLY = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 3\r\n\r\n")


async def serve(reader, writer, delay):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method = head.split(b" ", 1)[0]
            await asyncio.sleep(delay)
            writer.write(REPLY if method == b"HEAD" else REPLY + b"ok\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=50, help="milliseconds to wait before each response")
    parser.add_argument("--lifetime", type=float, default=300, help="seconds after which the server exits")
    args = parser.parse_args()
    delay = args.delay / 1000.0

    server = await asyncio.start_server(lambda r, w: serve(r, w, delay),
                                        "127.0.0.1", 0, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(args.lifetime)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
