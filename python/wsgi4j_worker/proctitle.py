"""Shows the process group's display name in ps, as mod_wsgi's display-name does."""

import ctypes
import ctypes.util


def set_title(title):
    """Rewrites this process's command line (what ps shows) and its short name.

    Linux only; silently does nothing where the memory layout is not as expected.
    """
    try:
        with open('/proc/self/stat', 'rb') as f:
            fields = f.read().rsplit(b')', 1)[1].split()
        # Fields 48 and 49 of stat (arg_start, arg_end); the split starts at field 3.
        arg_start, arg_end = int(fields[45]), int(fields[46])
        with open('/proc/self/cmdline', 'rb') as f:
            current = f.read()
        size = arg_end - arg_start
        if size <= 0 or len(current) < size:
            return
        data = title.encode('utf-8')[:size - 1]
        ctypes.memmove(arg_start, data + b'\0' * (size - len(data)), size)
        libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
        PR_SET_NAME = 15
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(title.encode('utf-8')[:15]), 0, 0, 0)
    except Exception:
        pass
