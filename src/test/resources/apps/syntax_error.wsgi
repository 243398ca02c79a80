# Does not compile: the server must still start and answer 500.
def application(environ, start_response)
    return []
