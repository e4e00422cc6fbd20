"""Who the change log names as the actor of writes made outside the request's own user handling."""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor


@contextmanager
def acting_as(user, remote_addr=None):
    """Attribute change-log entries written inside the block to `user`.

    Used by jobs and commands (no request), by the API (DRF authenticates a token after AuditlogMiddleware has
    chosen the actor) and by services acting for a user. Inside a request the request's address is kept, and
    auditlog's context is restored afterwards so that the middleware can still disconnect its own receiver.
    """
    previous = auditlog_value.get(None)
    if previous is not None:
        extra = {"remote_addr": previous.get("remote_addr"), "remote_port": previous.get("remote_port")}
    else:
        extra = {"remote_addr": remote_addr, "remote_port": None}
    try:
        with set_actor(user, **extra):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)
