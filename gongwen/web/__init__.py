"""`generate.py serve`: the clerk's page on this machine (127.0.0.1 only)."""
from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
from pathlib import Path

DEFAULT_PORT = 8704


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1: the port asked for, or DEFAULT_PORT or
    the next free one.  Bound here, so no other program can take it between
    choosing and serving."""
    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + 100)
    last: OSError | None = None
    for p in candidates:
        # IPPROTO_TCP named, and TCP_NODELAY set (accepted connections inherit it):
        # asyncio switches Nagle off only for sockets whose proto is IPPROTO_TCP,
        # and with Nagle on every answer written in two pieces (headers, body)
        # waited for the browser's delayed ACK — 40 ms on each request.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            s.bind(("127.0.0.1", p))
            s.listen(128)
            return s
        except OSError as e:
            s.close()
            last = e
    if port is not None and last is not None and last.errno == errno.EADDRINUSE:
        raise OSError(errno.EADDRINUSE, f"端口 {port} 已被占用，换一个（--port N），或不写 --port")
    raise last or OSError("没有可用的端口")


def serve(folder: Path, port: int | None = None, open_browser: bool = True,
          build: Path | None = None) -> int:
    # lazy: uvicorn, and app.py's Starlette, only for `serve` (every other command imports this package)
    import uvicorn
    from .app import create_app
    from .service import Folder
    root = Path(__file__).resolve().parent.parent.parent
    folder = Path(folder)
    if not folder.is_dir():
        print(f"文件夹“{folder}”不存在。应为：写一个已有的文件夹，例如 data/", file=sys.stderr)
        return 1
    try:
        sock = bind(port)
    except OSError as e:
        print(f"无法启动：{e.strerror or e}。", file=sys.stderr)
        return 1
    real_port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{real_port}/"
    print(url, flush=True)            # the first line of output: scripts and tests read it
    print(f"公文编写页面：数据文件夹 {Path(folder).resolve()}，存档 {Path(build or root / 'build').resolve()}；"
          "按 Ctrl+C 停止。", file=sys.stderr, flush=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(Folder(folder, build or root / "build"), real_port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if open_browser:
        import webbrowser
        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
