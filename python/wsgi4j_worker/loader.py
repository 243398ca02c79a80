"""Loads the WSGI application: a script file (as mod_wsgi does) or a module."""

import importlib
import os
import site
import sys
import threading
import traceback
import types

from . import log

try:
    # CPython's own md5: hashlib's would load OpenSSL's libcrypto into every process (3 MiB of PSS)
    # just to name the script's module.
    from _md5 import md5 as _md5
except ImportError:  # a Python built without its own hashes
    from hashlib import md5 as _md5


class LoadError(Exception):
    """The application could not be loaded; the reason is already logged."""


class Application(object):
    """The application of this worker, loaded once; retried on each request after a failure."""

    def __init__(self, kind, target, callable_object):
        self.kind = kind                    # 'script' or 'module'
        self.target = target                # script path, or 'package.module[:callable]'
        self.callable_object = callable_object
        self.filename = target if kind == 'script' else None
        self._callable = None
        self._lock = threading.Lock()

    def load(self):
        """Loads the application now; logs the failure and returns False if it cannot."""
        with self._lock:
            if self._callable is not None:
                return True
            try:
                self._callable = self._load()
                return True
            except LoadError:
                return False

    def application(self):
        """The WSGI callable, loading it first if an earlier attempt failed; None if it still fails."""
        found = self._callable
        if found is not None:
            return found
        return self._callable if self.load() else None

    def _load(self):
        if self.kind == 'module':
            module_name, _, attribute = self.target.partition(':')
            attribute = attribute or self.callable_object
            try:
                module = importlib.import_module(module_name)
            except BaseException as e:
                self._failed("Failed to import Python module '%s'." % module_name, e)
            self.filename = getattr(module, '__file__', None)
            return self._callable_in(module, attribute, "Python module '%s'" % module_name)
        path = self.target
        name = '_wsgi4j_' + _md5(path.encode('utf-8', 'surrogateescape')).hexdigest()
        module = types.ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        try:
            with open(path, 'rb') as f:
                source = f.read()
            code = compile(source, path, 'exec', dont_inherit=True)
            exec(code, module.__dict__)
        except BaseException as e:
            del sys.modules[name]
            self._failed("Failed to exec Python script file '%s'." % path, e)
        return self._callable_in(module, self.callable_object, "WSGI script '%s'" % path)

    def _callable_in(self, module, attribute, where):
        found = module
        for part in attribute.split('.'):
            found = getattr(found, part, None)
            if found is None:
                break
        if found is None:
            log.log('error', "wsgi4j (pid=%d): Target %s does not contain WSGI application '%s'."
                    % (os.getpid(), where, attribute))
            raise LoadError()
        if not callable(found):
            log.log('error', "wsgi4j (pid=%d): '%s' in %s is not callable (it is a %s)."
                    % (os.getpid(), attribute, where, type(found).__name__))
            raise LoadError()
        return found

    def _failed(self, what, e):
        pid = os.getpid()
        log.log('error', 'wsgi4j (pid=%d): %s' % (pid, what))
        log.log('error', "wsgi4j (pid=%d): Exception occurred processing WSGI script '%s'."
                % (pid, self.target))
        tb = e.__traceback__
        # Start the traceback at the application's own code, not at this loader.
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        lines = traceback.format_exception(type(e), e, tb) if tb else \
            traceback.format_exception_only(type(e), e)
        log.log('error', ''.join(lines).rstrip('\n'))
        raise LoadError()


def prepare_paths(config):
    """sys.path as mod_wsgi sets it: the working directory first, then the --python-path site directories."""
    home = config['working_directory']
    if sys.path and sys.path[0] == '':
        del sys.path[0]  # left by 'python -c'; the working directory stands in for it
    if home not in sys.path:
        sys.path.insert(0, home)
    for path in config.get('python_path', []):
        site.addsitedir(path)
        # addsitedir appends; mod_wsgi's python-path puts these first.
        if path in sys.path:
            sys.path.remove(path)
            sys.path.insert(1, path)
