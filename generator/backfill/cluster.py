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
    `workers` single-threaded worker processes on loopback (no dashboard), closed on the way out."""
    require_dask()
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado"):  # a cluster's chatter is not the backfill's output
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler is not None:
        _reach(scheduler, timeout)
        with Client(scheduler, timeout=timeout, set_as_default=False) as client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,  # a date is one task in one thread; dates run side by side
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.CRITICAL,  # a task's error reaches the client, which says it once
    )
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def _reach(address: str, timeout: float) -> None:
    """Connect to the scheduler once and hang up, so that an address nothing Dask answers at is one
    line (whatever the failure: refused, silent, a malformed address, another protocol's reply)."""
    import asyncio

    from distributed.comm import connect

    async def probe() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.run(probe())
    except (OSError, TimeoutError, ValueError) as exc:  # refused, silent, malformed
        reason = " ".join(str(exc).split()) or type(exc).__name__
    except Exception:  # something answered, but not as a Dask scheduler does
        reason = "what answers there is not a Dask scheduler"
    else:
        return
    raise ClusterError(
        f"--scheduler {address}: cannot reach the Dask scheduler within {timeout:g} s ({reason})"
    )
