"""Who is acting, and what their role lets them write.

Three roles: a *viewer* reads, an *editor* changes account plans, an *admin* also changes the
criteria, the programme settings and the roles. Roles are given to e-mail addresses (the
``role_grant`` table, or ``KAM_ADMINS`` for the admins who set the others up).

The rule is enforced by the store, below every service: each statement that reaches the
database through SQLAlchemy is checked against the role of the person acting (``current()``):
reads pass, writes need an editor (an admin for the admin tables), and anything not known to be
a read counts as a write. So no page, command or future service can write past it by forgetting
a check. Services that also copy files (a backup before a delete, a merge, an import) check the
role first themselves, before the copy. A refused write raises
``PermissionDenied`` before it runs, and the unit of work rolls back whole.

Who is acting: the signed-in person (set by the app for each run), else the person who runs the
program (open single-user mode and the command line: the operating-system user, as admin; the
command line says so explicitly, ``acting_as(local_actor())``).

Besides writes, what a role may take: the tables in ``ADMIN_READ_TABLES`` (the role grants, the
whole audit trail) are handed over only to an admin (the workbook export, a copy of the database,
the roles table of Settings); an account's own history stays readable by every role on its page.
"""

from __future__ import annotations

import getpass
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

from kam_core.common.errors import PermissionDenied
from kam_core.store.models import ROLES

RANK = {role: rank for rank, role in enumerate(ROLES)}  # viewer < editor < admin
# Tables only an admin writes: the scoring criteria, the programme settings, the roles.
ADMIN_TABLES = frozenset({"programme", "criterion", "role_grant", "programme_target", "target_actual"})
# Bookkeeping written by the system alone (schema version).
FREE_TABLES = frozenset({"alembic_version"})
# What a workshop's room writes: joining a session and voting. Any role may (a viewer included: the room
# scores, the facilitator commits); outside the audit trail (``audit.UNAUDITED``), as the trail is the
# editors' record. A write touching any other table still needs an editor.
VOTER_TABLES = frozenset({"workshop_participant", "workshop_vote"})
# Tables only an admin takes whole (the workbook export, a copy of the database): who holds which
# role, and the audit trail (every change of every record, the roles' and the settings' included,
# with the addresses of the people who made them). Below admin, the export leaves them out.
ADMIN_READ_TABLES = frozenset({"role_grant", "audit_entry"})


@dataclass(frozen=True)
class Actor:
    """The person behind a write: ``name`` is recorded in the audit trail; ``role`` is None for
    someone signed in without a role (they may not even read)."""

    name: str
    role: str | None
    signed_in: bool = False

    def may(self, needed: str) -> bool:
        return self.role is not None and RANK[self.role] >= RANK[needed]


def os_user() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no user name in this environment (some containers)
        return "unknown"


def local_actor() -> Actor:
    """Open single-user mode and the command line: whoever runs the program, as admin (the command
    line says so once, ``with acting_as(local_actor())``: whoever may run it on the server's files
    may copy them anyway)."""
    return Actor(os_user(), "admin")


SYSTEM = Actor("system", "admin")  # migrations and programme defaults, whoever triggers them

_current: ContextVar[Actor | None] = ContextVar("kam_actor", default=None)
_default: Actor | None = None


def current() -> Actor:
    """The person acting in this thread's context, else the process default."""
    return _current.get() or _default or local_actor()


def set_current(actor: Actor | None) -> None:
    """Who acts for the rest of this context (the app calls it at the top of every run)."""
    _current.set(actor)


def set_default(actor: Actor | None) -> None:
    """Who acts where no one was set. With sign-in on, the app sets a nobody here, so a write
    that escapes the run's context is refused rather than made as the local admin."""
    global _default
    _default = actor


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def needed_for(table: str) -> str:
    return "admin" if table in ADMIN_TABLES else "editor"


def require(needed: str) -> None:
    """PermissionDenied unless the person acting has at least the role ``needed``."""
    actor = current()
    if not actor.may(needed):
        raise PermissionDenied(needed, actor.role, actor.name)


# --- the store's guard -------------------------------------------------------------------------

# Statements that read, or only steer the connection: anything else needs a role that may write.
_READS = frozenset(
    {
        "select",
        "begin",
        "commit",
        "rollback",
        "savepoint",
        "release",
        "end",
        "pragma",
        "show",
        "explain",
        "set",
        "reset",
        "values",
    }
)
_LEADING = re.compile(r"^(?:\s+|--[^\n]*\n|/\*.*?\*/|\()+", re.DOTALL)
_FIRST = re.compile(r"[A-Za-z]+")
_NAME = r"""(?:["`]?\w+["`]?\s*\.\s*)?["`]?(\w+)["`]?"""  # schema.table or table, quoted or not
_WRITES = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|MERGE\s+INTO|"
    r"TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?" + _NAME,
    re.IGNORECASE,
)
_WRITE_KEYWORDS = frozenset({"insert", "replace", "update", "delete", "merge", "truncate", "copy"})
_PRAGMA_SET = re.compile(r"^pragma\s+[\w.]+\s*=", re.IGNORECASE)


def write_needs(statement: str) -> str | None:
    """The role a statement needs: None for a read; for a write, "admin" when it touches a table
    only admins change, "viewer" when it touches only a workshop's votes (``VOTER_TABLES``), else
    "editor". Deny by default: a statement that is not known to read
    (DDL, ATTACH, VACUUM, a CTE that writes, a PRAGMA that sets...) needs at least "editor"."""
    text_ = _LEADING.sub("", statement, count=1)
    first = _FIRST.match(text_)
    keyword = first.group(0).lower() if first else ""
    if keyword in _READS:
        return "editor" if keyword == "pragma" and _PRAGMA_SET.match(text_) else None
    if keyword == "with":  # named subqueries, then a query or a write
        tables = [match.group(1).lower() for match in _WRITES.finditer(text_)]
        if not tables:
            return None
    elif keyword in _WRITE_KEYWORDS:
        match = _WRITES.match(text_)
        tables = [match.group(1).lower()] if match else []
    else:
        return "editor"
    if any(table in ADMIN_TABLES for table in tables):
        return "admin"
    if tables and all(table in FREE_TABLES for table in tables):
        return None
    if tables and all(table in VOTER_TABLES for table in tables):
        return "viewer"
    return "editor"


def written_table(statement: str) -> str | None:
    """The (first) table an INSERT, UPDATE or DELETE writes; None for any other statement."""
    text_ = _LEADING.sub("", statement, count=1)
    first = _FIRST.match(text_)
    match = _WRITES.search(text_) if first and first.group(0).lower() in (*_WRITE_KEYWORDS, "with") else None
    return match.group(1).lower() if match else None


def _guard(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    needed = write_needs(statement)
    if needed is not None:
        require(needed)


_installed = False
_install_lock = threading.Lock()


def install_guard() -> None:
    """Check every write of every engine of the process (idempotent)."""
    global _installed
    with _install_lock:
        if not _installed:
            event.listen(Engine, "before_cursor_execute", _guard)
            _installed = True


# --- roles ----------------------------------------------------------------------------------------


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def configured_admins(extra=()) -> frozenset[str]:
    """The admins named outside the database: ``KAM_ADMINS`` (comma or space separated) and
    ``extra`` (the app passes ``[kam] admins`` of its secrets). They keep access even when the
    role table is empty or wrong, so nobody locks the programme out of its own settings."""
    names = re.split(r"[,\s;]+", os.environ.get("KAM_ADMINS", ""))
    return frozenset(normalise_email(name) for name in [*names, *extra] if normalise_email(name))


# --- sign-in --------------------------------------------------------------------------------------

TRUE_CLAIMS = (True, "true", "True", "TRUE")  # some providers send the claim as a JSON string


def verified_email(claims, provider_verifies_email: bool = False) -> str:
    """The signed-in person's e-mail (normalised) when it may be trusted, else "".

    Trusted: the identity provider says ``email_verified`` is true. A claim that is missing counts
    as unverified (anyone could have typed the address into an account of that provider), unless
    the provider is configured as one that only issues addresses it owns
    (``provider_verifies_email``: ``[kam] provider_verifies_email = true`` in secrets.toml, e.g. a
    company directory that sends no such claim). A claim that says false is never trusted."""
    raw = claims.get("email")
    email = normalise_email(raw) if isinstance(raw, str) else ""
    if not email:
        return ""
    claim = claims.get("email_verified")
    if claim in TRUE_CLAIMS:
        return email
    if claim is None and provider_verifies_email:
        return email
    return ""
