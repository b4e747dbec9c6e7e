# The interpreter behind one code context of the opensandbox-testkit server (a stand-in for a Jupyter kernel).
#
# Started inside the sandbox as `python3 -u -c <this file> python|bash`. It reads requests, one JSON object a line,
# from its stdin ({"op": "run", "code": ...} or {"op": "interrupt"}) and writes messages, one JSON object a line, to
# the stdout it had at start: {"type": "ready"}, then per run any number of
# {"type": "stream", "name": "stdout"|"stderr", "text": ...}, at most one
# {"type": "execute_result", "execution_count": n, "data": {mime: value}} or {"type": "error", "ename", "evalue",
# "traceback"}, and last {"type": "done", "execution_count": n, "status": "ok"|"error"|"abort"}. These mirror the
# Jupyter messaging protocol's iopub messages; the server turns them into execd's events.
#
# python: the code runs in one namespace kept across runs; the value of a final expression is the result, formatted
# as text/plain (repr) plus whatever the value's _repr_html_/_repr_markdown_/_repr_svg_/_repr_png_/_repr_jpeg_/
# _repr_json_/_repr_latex_ methods return. Output written to file descriptors 1 and 2 (print, os.system,
# subprocesses) is captured through pipes and streamed as it appears. An interrupt raises KeyboardInterrupt in the
# running code.
#
# bash: the code runs in one interactive bash kept across runs (variables, functions and the working directory
# persist); its stderr is merged into stdout, as with bash_kernel; a non-zero exit status is an error with an empty
# ename and the status as evalue; an interrupt sends SIGINT to the shell's process group and ends the run with status
# "abort" and no error, as bash_kernel does.

import ast
import base64
import codecs
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import traceback

LANGUAGE = sys.argv[1] if len(sys.argv) > 1 else "python"
MARK = ("\x00osb-" + os.urandom(8).hex() + "\x00").encode("ascii")

_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
_requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
_lock = threading.Lock()
_running = threading.Event()


def emit(message):
    line = json.dumps(message)
    with _lock:
        _proto.write(line + "\n")
        _proto.flush()


class Splitter:
    """Splits a byte stream at MARK: text before it goes to on_text, the line after it to on_mark."""

    def __init__(self, on_text, on_mark):
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = b""
        self.on_text = on_text
        self.on_mark = on_mark

    def feed(self, chunk):
        self.pending += chunk
        while True:
            at = self.pending.find(MARK)
            if at < 0:
                break
            end = self.pending.find(b"\n", at + len(MARK))
            if end < 0:
                self._text(self.pending[:at])
                self.pending = self.pending[at:]
                return
            self._text(self.pending[:at])
            tail = self.pending[at + len(MARK):end].decode("ascii", "replace")
            self.pending = self.pending[end + 1:]
            self.on_mark(tail)
        cut = self.pending.rfind(b"\x00")
        if cut >= 0 and MARK.startswith(self.pending[cut:]):
            self._text(self.pending[:cut])
            self.pending = self.pending[cut:]
        else:
            self._text(self.pending)
            self.pending = b""

    def _text(self, data):
        text = self.decoder.decode(data)
        if text:
            self.on_text(text)


def pump(fd, splitter):
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        splitter.feed(chunk)


def stream(name):
    return lambda text: emit({"type": "stream", "name": name, "text": text})


# ------------------------------------------------------------------------------------------------------------ python

_FORMATS = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("application/json", "_repr_json_"),
    ("text/latex", "_repr_latex_"),
)


def bundle(value):
    data = {"text/plain": repr(value)}
    for mime, name in _FORMATS:
        method = getattr(type(value), name, None)
        if not callable(method):
            continue
        try:
            rendered = method(value)
        except Exception:
            continue
        if isinstance(rendered, tuple):
            rendered = rendered[0] if rendered else None
        if rendered is None:
            continue
        if isinstance(rendered, (bytes, bytearray)):
            rendered = base64.b64encode(bytes(rendered)).decode("ascii")
        data[mime] = rendered
    return data


class PythonKernel:
    def __init__(self):
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(os.devnull, "r")
        self.synced = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            read, write = os.pipe()
            os.dup2(write, fd)
            os.close(write)
            done = threading.Event()
            self.synced[fd] = done
            splitter = Splitter(stream(name), lambda _tail, done=done: done.set())
            threading.Thread(target=pump, args=(read, splitter), daemon=True).start()
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.count = 0
        signal.signal(signal.SIGINT, self._on_interrupt)

    @staticmethod
    def _on_interrupt(_signum, _frame):
        if _running.is_set():
            raise KeyboardInterrupt

    def interrupt(self):
        if _running.is_set():
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    def sync(self):
        for fd in (1, 2):
            try:
                (sys.stdout if fd == 1 else sys.stderr).flush()
            except Exception:
                pass
            self.synced[fd].clear()
            os.write(fd, MARK + b"\n")
            self.synced[fd].wait(5)

    def run(self, code):
        self.count += 1
        name = "<cell-%d>" % self.count
        status = "ok"
        try:
            _running.set()
            try:
                tree = ast.parse(code, name, "exec")
                last = None
                if tree.body and isinstance(tree.body[-1], ast.Expr):
                    last = ast.Expression(tree.body.pop().value)
                exec(compile(tree, name, "exec"), self.namespace)
                value = None if last is None else eval(compile(last, name, "eval"), self.namespace)
            finally:
                _running.clear()
            if value is not None:
                self.namespace["_"] = value
                data = bundle(value)
                self.sync()
                emit({"type": "execute_result", "execution_count": self.count, "data": data})
        except BaseException as error:  # noqa: B036 - a cell may raise anything, SystemExit and KeyboardInterrupt too
            _running.clear()
            status = "error"
            self.sync()
            lines = traceback.format_exception_only(type(error), error)
            frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != "<string>"]
            if frames:
                lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames) + lines
            emit({
                "type": "error",
                "ename": type(error).__name__,
                "evalue": str(error),
                "traceback": [line.rstrip("\n") for line in lines],
            })
        self.sync()
        emit({"type": "done", "execution_count": self.count, "status": status})


# -------------------------------------------------------------------------------------------------------------- bash


class BashKernel:
    def __init__(self):
        env = dict(os.environ, PS1="", PS2="", PROMPT_COMMAND="")
        self.shell = subprocess.Popen(
            ["/bin/bash", "--noprofile", "--norc", "--noediting", "-i"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.count = 0
        self.started = False
        self.interrupted = False
        self.exit_codes = queue.Queue()
        splitter = Splitter(self._text, self.exit_codes.put)
        threading.Thread(target=pump, args=(self.shell.stdout.fileno(), splitter), daemon=True).start()
        self._send("set +m +H\n")
        self._send_mark()
        self.exit_codes.get(timeout=10)
        self.started = True

    def _text(self, text):
        if self.started:
            emit({"type": "stream", "name": "stdout", "text": text})

    def _send(self, text):
        self.shell.stdin.write(text.encode("utf-8"))
        self.shell.stdin.flush()

    def _send_mark(self):
        octal = "".join("\\%03o" % byte for byte in MARK)
        self._send("printf '" + octal + "%d\\n' \"$?\"\n")

    def interrupt(self):
        if _running.is_set():
            self.interrupted = True
            try:
                os.killpg(self.shell.pid, signal.SIGINT)
            except OSError:
                pass

    def run(self, code):
        self.count += 1
        self.interrupted = False
        encoded = base64.b64encode(code.encode("utf-8")).decode("ascii")
        _running.set()
        try:
            self._send("eval \"$(printf %s '" + encoded + "' | base64 -d)\" </dev/null\n")
            self._send_mark()
            while True:
                if self.shell.poll() is not None:
                    sys.exit(0)
                try:
                    tail = self.exit_codes.get(timeout=0.2)
                    break
                except queue.Empty:
                    continue
        finally:
            _running.clear()
        if self.interrupted:
            emit({"type": "done", "execution_count": self.count, "status": "abort"})
            return
        try:
            exit_code = int(tail.strip() or "0")
        except ValueError:
            exit_code = 1
        if exit_code != 0:
            emit({"type": "error", "ename": "", "evalue": str(exit_code), "traceback": []})
            emit({"type": "done", "execution_count": self.count, "status": "error"})
        else:
            emit({"type": "done", "execution_count": self.count, "status": "ok"})


# -------------------------------------------------------------------------------------------------------------- main


def main():
    kernel = BashKernel() if LANGUAGE == "bash" else PythonKernel()
    runs = queue.Queue()

    def read_requests():
        for line in _requests:
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if request.get("op") == "interrupt":
                kernel.interrupt()
            elif request.get("op") == "run":
                runs.put(request.get("code", ""))
        runs.put(None)

    threading.Thread(target=read_requests, daemon=True).start()
    emit({"type": "ready"})
    while True:
        code = runs.get()
        if code is None:
            return
        kernel.run(code)


main()
os._exit(0)
