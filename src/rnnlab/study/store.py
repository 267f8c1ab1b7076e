"""The results database ``results.sqlite``: one row per run, per-epoch curves, resume semantics.

Tables (``SCHEMA_VERSION`` = 1)::

    meta    (key TEXT PRIMARY KEY, value TEXT)        schema_version, created_by, study config
    runs    (key TEXT PRIMARY KEY, cell, task, length, seed, hidden_size, num_parameters,
             status 'running'|'done'|'failed'|'interrupted', metric, baseline, val_score,
             test_score, val_skill, test_skill, wall_time, time_per_epoch, peak_memory_mb,
             latency_per_step_ms, epochs_run, steps_per_epoch, started_at, finished_at,
             attempts, error, config_json, extra_json)
    epochs  (key, epoch, train_loss, val_loss, val_score, val_skill, seconds;
             PRIMARY KEY (key, epoch))

Why it survives a SIGKILL and a second writer:

* every write is one short ``BEGIN IMMEDIATE`` transaction, so a kill loses at most the runs in
  flight (their rows stay ``running`` — or become ``interrupted`` after Ctrl-C — and are redone
  on the next start);
* WAL journal mode lets readers work while one writer commits, and a 60 s busy timeout makes a
  second study wait for the lock instead of failing;
* a ``done`` row is never overwritten: two studies that happen to compute the same run keep the
  first result (runs are pure functions of their key, so both results are the same anyway).

Why a damaged file is never made worse:

* an existing file is first opened read-only and checked with ``PRAGMA integrity_check`` (every
  page, table and index, and that each index matches its table — ``quick_check`` skips the
  last, and a damaged index makes upserts miss rows) and for its schema version; a file that
  fails is refused in one sentence before anything is written to it;
* ``read_only=True`` (``rnnlab report``) never opens the file for writing at all: no switch to
  WAL, no schema rows, no change counter bumped;
* any SQLite error later on (a page found damaged mid-study, a full disk) leaves the store as
  one :class:`~rnnlab.study.errors.StudyError` naming the file and what to do about it.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rnnlab.study.errors import IncompatibleStoreError, StudyError

SCHEMA_VERSION = 1
FILENAME = "results.sqlite"

#: Scalar result columns of ``runs`` (besides identity, status and bookkeeping).
RESULT_COLUMNS = ("num_parameters", "metric", "baseline", "val_score", "test_score", "val_skill",
                  "test_skill", "wall_time", "time_per_epoch", "peak_memory_mb",
                  "latency_per_step_ms", "epochs_run", "steps_per_epoch")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY, cell TEXT NOT NULL, task TEXT NOT NULL, length INTEGER,
    seed INTEGER NOT NULL, hidden_size INTEGER NOT NULL, num_parameters INTEGER,
    status TEXT NOT NULL, metric TEXT, baseline REAL, val_score REAL, test_score REAL,
    val_skill REAL, test_skill REAL, wall_time REAL, time_per_epoch REAL,
    peak_memory_mb REAL, latency_per_step_ms REAL, epochs_run INTEGER, steps_per_epoch INTEGER,
    started_at REAL, finished_at REAL, attempts INTEGER NOT NULL DEFAULT 0, worker TEXT,
    error TEXT, config_json TEXT NOT NULL, extra_json TEXT
);
CREATE TABLE IF NOT EXISTS epochs (
    key TEXT NOT NULL, epoch INTEGER NOT NULL, train_loss REAL, val_loss REAL, val_score REAL,
    val_skill REAL, seconds REAL, PRIMARY KEY (key, epoch)
);
CREATE INDEX IF NOT EXISTS runs_by_group ON runs (task, length, cell);
"""


#: What to do with a damaged results database.
DAMAGED_ADVICE = ("move it aside and rerun (the study then starts afresh) or restore it from a "
                  "backup")


def _advice(error: sqlite3.Error) -> str:
    """What a user can do about a SQLite error, by its message."""
    text = str(error).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"the file is damaged: {DAMAGED_ADVICE}"
    if "full" in text:
        return "free some disk space, then rerun the same command to resume"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "make the file and its folder writable, or choose another output folder"
    if "locked" in text or "busy" in text:
        return "another process holds it locked: wait for it to finish, or use another folder"
    return "rerun the same command to resume; if the error comes back, move the file aside"


def database_error(path: Path, error: sqlite3.Error) -> StudyError:
    """One sentence for a SQLite error on the results database at ``path``."""
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return StudyError(f"{path}: {first}; {_advice(error)}")


def _guarded(method: Callable) -> Callable:
    """Turn SQLite errors raised by a :class:`Store` method into a one-sentence StudyError."""
    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            raise database_error(self.path, error) from None
    return wrapper


class Store:
    """A results database; open it with :func:`open_store`.

    Every public method either succeeds or raises :class:`StudyError` naming the file (no bare
    ``sqlite3`` error leaves the store).

    Example:
        >>> import tempfile
        >>> store = open_store(tempfile.mkdtemp())
        >>> store.finished_keys()
        set()
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        target, uri = (_read_only_uri(path), True) if read_only else (str(path), False)
        try:
            self._db = sqlite3.connect(target, timeout=60.0, isolation_level=None, uri=uri)
        except sqlite3.DatabaseError as error:
            raise database_error(path, error) from None
        self._db.row_factory = sqlite3.Row

    # ------------------------------------------------------------------ plumbing
    def _write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        """Run ``statements`` as one immediate transaction (one writer at a time)."""
        if self.read_only:
            raise StudyError(f"{self.path} was opened read-only; nothing may be written to it")
        for attempt in range(20):
            try:
                self._db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:  # locked beyond the busy timeout
                if "locked" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            for sql, args in statements:
                self._db.execute(sql, args)
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:   # SQLite rolls back by itself after some errors
                self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    @_guarded
    def get_meta(self, key: str) -> str | None:
        """One value from the ``meta`` table, or ``None``."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @_guarded
    def set_meta(self, key: str, value: str) -> None:
        """Set one ``meta`` value."""
        self._write([("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                      "DO UPDATE SET value = excluded.value", (key, value))])

    def save_study(self, config: dict[str, Any]) -> None:
        """Remember the latest study configuration (``rnnlab report`` re-renders from it)."""
        self.set_meta("study_config", json.dumps(config, sort_keys=True))

    def study_config(self) -> dict[str, Any] | None:
        """The latest stored study configuration, or ``None``."""
        text = self.get_meta("study_config")
        return None if text is None else json.loads(text)

    # ------------------------------------------------------------------ runs
    @_guarded
    def finished_keys(self) -> set[str]:
        """Keys of runs with status ``done`` (a rerun skips these)."""
        return {row[0] for row in self._db.execute("SELECT key FROM runs WHERE status = 'done'")}

    @_guarded
    def mark_running(self, run: Any) -> None:
        """Record that ``run`` (a :class:`~rnnlab.study.grid.RunConfig`) has started."""
        worker = f"{socket.gethostname()}:{os.getpid()}"
        self._write([(
            "INSERT INTO runs (key, cell, task, length, seed, hidden_size, status, started_at, "
            "attempts, worker, config_json) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET status = 'running', started_at = excluded.started_at, "
            "attempts = runs.attempts + 1, worker = excluded.worker, error = NULL "
            "WHERE runs.status != 'done'",
            (run.key, run.cell, run.task, run.length, run.seed, run.hidden_size, time.time(),
             worker, json.dumps(run.to_dict(), sort_keys=True)))])

    @_guarded
    def save_result(self, run: Any, result: dict[str, Any]) -> bool:
        """Store a finished run and its curves in one transaction; False if already ``done``.

        ``result`` holds the :data:`RESULT_COLUMNS`, ``"epochs"`` (a list of dicts with the
        ``epochs`` table's columns) and ``"extra"`` (any JSON: gradient flow, robustness…).
        """
        done = self._db.execute("SELECT 1 FROM runs WHERE key = ? AND status = 'done'",
                                (run.key,)).fetchone()
        if done is not None:
            return False
        columns = ", ".join(RESULT_COLUMNS)
        marks = ", ".join("?" for _ in RESULT_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in RESULT_COLUMNS)
        values = tuple(result.get(c) for c in RESULT_COLUMNS)
        statements = [(
            f"INSERT INTO runs (key, cell, task, length, seed, hidden_size, status, finished_at, "
            f"config_json, extra_json, {columns}) VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, ?, "
            f"{marks}) ON CONFLICT(key) DO UPDATE SET status = 'done', "
            f"finished_at = excluded.finished_at, extra_json = excluded.extra_json, "
            f"error = NULL, {updates} WHERE runs.status != 'done'",
            (run.key, run.cell, run.task, run.length, run.seed, run.hidden_size, time.time(),
             json.dumps(run.to_dict(), sort_keys=True), json.dumps(result.get("extra", {})),
             *values))]
        statements.append(("DELETE FROM epochs WHERE key = ?", (run.key,)))
        for row in result.get("epochs", []):
            statements.append((
                "INSERT INTO epochs (key, epoch, train_loss, val_loss, val_score, val_skill, "
                "seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run.key, row["epoch"], row.get("train_loss"), row.get("val_loss"),
                 row.get("val_score"), row.get("val_skill"), row.get("seconds"))))
        self._write(statements)
        return True

    @_guarded
    def save_failure(self, run: Any, error: str) -> None:
        """Mark ``run`` failed with a one-line reason (a rerun tries it again)."""
        self._write([(
            "UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
            "WHERE key = ? AND status != 'done'", (error, time.time(), run.key))])

    @_guarded
    def save_interruption(self, run: Any) -> None:
        """Mark a run that Ctrl-C stopped ``interrupted`` (unfinished: a rerun redoes it)."""
        self._write([(
            "UPDATE runs SET status = 'interrupted', error = 'interrupted (Ctrl-C)', "
            "finished_at = ? WHERE key = ? AND status = 'running'", (time.time(), run.key))])

    @_guarded
    def runs(self, status: str | None = "done") -> list[dict[str, Any]]:
        """Rows of ``runs`` as dicts (``extra`` parsed), optionally of one status."""
        sql = "SELECT * FROM runs" + (" WHERE status = ?" if status else "") + " ORDER BY key"
        rows = self._db.execute(sql, (status,) if status else ()).fetchall()
        out = []
        for row in rows:
            item = dict(row)
            item["extra"] = json.loads(item.pop("extra_json") or "{}")
            item["config"] = json.loads(item.pop("config_json"))
            out.append(item)
        return out

    @_guarded
    def epochs(self, key: str | None = None) -> list[dict[str, Any]]:
        """Rows of ``epochs``, for one run or all, ordered by run and epoch."""
        if key is None:
            rows = self._db.execute("SELECT * FROM epochs ORDER BY key, epoch").fetchall()
        else:
            rows = self._db.execute("SELECT * FROM epochs WHERE key = ? ORDER BY epoch",
                                    (key,)).fetchall()
        return [dict(row) for row in rows]


def _check_compatible(db: sqlite3.Connection, path: Path) -> None:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return
    if "meta" not in tables:
        raise IncompatibleStoreError(f"{path} is not an rnnlab results database (no meta table); "
                                     f"choose another output folder")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = None if row is None else row[0]
    if version != str(SCHEMA_VERSION):
        raise IncompatibleStoreError(
            f"{path} was written by an incompatible rnnlab (results schema {version}, this "
            f"version reads {SCHEMA_VERSION}); use a new output folder or delete the file")


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _check_existing(path: Path) -> None:
    """Refuse an existing file that is not an undamaged rnnlab results database of this schema
    version; reads only (a read-only connection), so a refused file is left exactly as it was."""
    try:
        db = sqlite3.connect(_read_only_uri(path), uri=True, timeout=60.0)
    except sqlite3.DatabaseError as error:
        raise database_error(path, error) from None
    try:
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:
            if "not a database" in str(error) or "encrypted" in str(error):
                raise StudyError(f"{path} is not a readable SQLite database ({error}); choose "
                                 f"another output folder") from None
            raise StudyError(f"{path} is damaged ({error}); rnnlab neither reads nor writes "
                             f"it: {DAMAGED_ADVICE}") from None
        if problems != ["ok"]:
            first = problems[0].replace("*** in database main ***", "").strip().splitlines()
            raise StudyError(f"{path} is damaged (integrity check: {first[0] if first else '?'})"
                             f"; rnnlab neither reads nor writes it: {DAMAGED_ADVICE}")
        _check_compatible(db, path)
    except sqlite3.DatabaseError as error:
        raise database_error(path, error) from None
    finally:
        db.close()


def open_store(folder_or_file: str | os.PathLike, *, create: bool = True,
               read_only: bool = False) -> Store:
    """Open (and create, if asked) the results database in a folder or at a ``.sqlite`` path.

    An existing file is checked first, read-only (see the module docstring). With
    ``read_only=True`` the file must exist and is never opened for writing.

    Raises :class:`StudyError` for a file that is not a database or is damaged, and
    :class:`IncompatibleStoreError` for a database of another schema version.
    """
    path = Path(folder_or_file)
    if path.is_dir() or (not path.exists() and path.suffix != ".sqlite"):
        path = path / FILENAME
    exists = path.exists()
    if not exists and (read_only or not create):
        raise StudyError(f"no results database at {path}; run `rnnlab compare` first")
    if exists:
        _check_existing(path)
    if read_only:
        return Store(path, read_only=True)
    for attempt in range(20):
        try:
            db = sqlite3.connect(str(path), timeout=60.0, isolation_level=None)
            try:
                _check_compatible(db, path)
                db.execute("PRAGMA journal_mode=WAL")
            finally:
                db.close()
            break
        except sqlite3.DatabaseError as error:
            # Two studies creating one new file at once: switching it to WAL needs the lock
            # the other holds, and SQLite answers "locked" at once (no busy wait) where
            # waiting could deadlock. The other study finishes its set-up soon; try again.
            if "locked" in str(error) and attempt < 19:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise StudyError(f"{path} is not a readable SQLite database ({error}); choose "
                             f"another output folder") from None
    store = Store(path)
    try:
        store._db.execute("PRAGMA busy_timeout = 60000")
        # Tables and version row in one transaction: a second study opening the same new file
        # sees either nothing or a complete, versioned database.
        store._write([*((statement, ()) for statement in _SCHEMA.split(";")
                        if statement.strip()),
                      ("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                       (str(SCHEMA_VERSION),)),
                      ("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_by', ?)",
                       (f"rnnlab {_version()}",))])
    except sqlite3.DatabaseError as error:
        store.close()
        raise database_error(path, error) from None
    return store


def _version() -> str:
    from rnnlab import __version__

    return __version__
