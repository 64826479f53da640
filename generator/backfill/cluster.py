"""The Dask side of a backfill: a client on a scheduler the user names, or on a LocalCluster.

dask.distributed is an optional dependency (the `dask` extra), imported only here and only when
`--executor dask` is asked for, so `newsdesk --help` and every other command stay as quick as before.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from generator.errors import NewsdeskError

if TYPE_CHECKING:
    from distributed import Client


class ClusterError(NewsdeskError):
    """Dask is missing, or its scheduler cannot be reached (named in the message)."""


def require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(
            "--executor dask needs dask.distributed, which is not installed: "
            "python -m pip install 'newsdesk[dask]'"
        ) from None


@contextlib.contextmanager
def dask_client(scheduler: str | None, *, workers: int, timeout: float) -> Iterator[Client]:
    """A client of the scheduler at `scheduler` (tcp://host:8786), else of a LocalCluster of
    `workers` single-threaded worker processes, every port on loopback; closed on the way out."""
    require_dask()
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado"):  # a cluster's chatter is not the backfill's output
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if scheduler is not None:
        with Client(scheduler, timeout=timeout, set_as_default=False) as client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,  # a date is one task in one thread; dates run side by side
        processes=True,
        host="127.0.0.1",
        # The scheduler serves its status pages even without a dashboard, by default on port 8787
        # (and warns when that is taken): on a free loopback port instead.
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.CRITICAL,  # a task's error reaches the client, which says it once
    )
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def reach(address: str, timeout: float) -> None:
    """Connect to the scheduler once and hang up, so that an address nothing Dask answers at is one
    line (whatever the failure: refused, silent, a malformed address, another protocol's reply).
    The probe runs on its own event loop in its own thread, whatever loop the caller runs."""
    import asyncio
    import threading

    from distributed.comm import connect

    async def probe() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    failures: list[BaseException] = []

    def attempt() -> None:
        try:
            asyncio.run(probe())
        except BaseException as exc:  # reported by the caller's thread below
            failures.append(exc)

    thread = threading.Thread(target=attempt, name="newsdesk-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if not failures and not thread.is_alive():
        return
    failure = failures[0] if failures else TimeoutError()
    if isinstance(failure, (OSError, TimeoutError, ValueError)):  # refused, silent, malformed
        reason = " ".join(str(failure).split()) or "no answer"
    else:  # something answered, but not as a Dask scheduler does
        reason = f"what answers there is not a Dask scheduler: {type(failure).__name__}"
    raise ClusterError(
        f"--scheduler {address}: cannot reach the Dask scheduler within {timeout:g} s ({reason})"
    )
