"""Engine, sessions and migrations. SQLite (WAL, one writer at a time) by default, PostgreSQL by URL.

PostgreSQL's own log: the session turns off parameters in error reports; the server must also keep
`log_statement = none` and `log_min_duration_statement = -1` (the defaults), or statements with their
values would reach its log (docs/hub.md)."""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from central.core import sealed_db

if TYPE_CHECKING:
    from central.core.config import HubSettings

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, db_key: bytes | None = None) -> Engine:
    """An engine; on SQLite every transaction takes the write lock up front (BEGIN IMMEDIATE).
    With `db_key` (the hub always gives one: `open_database`) the SQLite file is SQLCipher 4, its key
    set on each new connection and never in the URL; without it, a plain SQLite scratch file."""
    if url.startswith("sqlite"):
        sealed = sealed_db.sqlite_path(url) if db_key is not None else None
        if db_key is not None and sealed is None:
            raise ValueError("a sealed hub database needs a sqlite:///FILE URL")
        extra: dict[str, Any] = {}
        if sealed is not None and db_key is not None:
            path, key = sealed, db_key
            extra = {"module": sealed_db.sqlcipher, "creator": lambda: sealed_db.connect(path, key)}
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True, **extra
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Statement parameters carry names, ID numbers and phones: never in our logs (hide_parameters),
    # nor in PostgreSQL's (no parameters in its error reports for this session).
    engine = create_engine(
        url,
        pool_size=20,
        max_overflow=20,
        hide_parameters=True,
        connect_args={"options": "-c log_parameter_max_length_on_error=0"},
    )
    event.listen(engine, "connect", _terse_server_errors)
    event.listen(engine, "checkout", _drop_if_closed)
    return engine


def _drop_if_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """The check of a pooled connection as it is checked out, without a round trip (in place of
    `pool_pre_ping`'s SELECT 1 on every checkout): an idle connection has nothing to read, so a
    readable socket means the server closed it (a restart or a terminated backend sends its FATAL
    and closes) or broke the protocol. Such a connection is dropped and the pool makes a new one."""
    try:
        fd = dbapi_conn.fileno()
        readable = bool(dbapi_conn.closed) or bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError, AttributeError) as exc:  # closed: no socket any more
        raise DisconnectionError("pooled connection has no socket") from exc
    if readable:
        logger.warning("pooled PostgreSQL connection closed by the server: reconnecting")
        raise DisconnectionError("pooled connection closed by the server")


def _terse_server_errors(dbapi_conn: Any, _record: Any) -> None:
    """PostgreSQL writes a failing row's values in an error's DETAIL (and its log): ask for terse errors.
    Only a superuser may; otherwise the server's own `log_error_verbosity = terse` must say it."""
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute("SET log_error_verbosity = terse")
        dbapi_conn.commit()
    except Exception:  # insufficient privilege: the server's configuration decides
        dbapi_conn.rollback()
        logger.warning("cannot SET log_error_verbosity = terse: set it in postgresql.conf")


def describe_error(exc: BaseException) -> str:
    """A database error for the log: its kind and SQLSTATE, never its text (it may quote a row)."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None) or "?"
    return f"{type(exc).__name__}/{type(orig).__name__} ({state})"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    logger.info("hub schema at head (%s)", engine.dialect.name)


def open_database(settings: HubSettings) -> Database:
    """The hub's database as every hub command and worker opens it: on SQLite, hub.db sealed under the
    key derived from the blob key (a plaintext one is sealed in place first); PostgreSQL as it is."""
    url = settings.db_url
    path = sealed_db.sqlite_path(url)
    if path is None:
        return Database(url)
    from central.blob_key import load_or_create

    db_key = sealed_db.database_key(load_or_create(settings.key_file))
    sealed_db.prepare(path, db_key, settings.key_file)
    return Database(url, db_key=db_key)


class Database:
    def __init__(self, url: str, db_key: bytes | None = None) -> None:
        self.engine = make_engine(url, db_key)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        with self.sessions() as s, s.begin():
            yield s
