"""wsgi4j's worker runtime: runs a WSGI application inside a daemon process.

The wsgi4j server starts one process per slot of a process group; each
process loads the application once and serves requests on a fixed number of
threads. Every thread owns one UNIX-domain connection to the server and
handles one request at a time on it (see protocol.py for the frames).

Supports CPython 3.8 to 3.13 with the standard library only.
"""
