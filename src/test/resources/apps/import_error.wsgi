# Fails at import, every time: the server must still start and answer 500.
import os

raise RuntimeError('import_error.wsgi cannot be imported')
