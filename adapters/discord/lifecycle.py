"""Stopping the worker cleanly: what ``quizbot run discord`` does on SIGTERM or SIGINT.

A PaaS stops a worker with SIGTERM and kills it about 30 s later, so :func:`shut_down`
works in steps, each bounded by time, and normally ends in well under 10 s:

1. close the gateway connection: no new events (commands, clicks) arrive; Discord sends
   them to whichever process connects next;
2. let the interactions already being served finish (their replies still go out over REST);
3. stop the ticker after the pass in flight (a reveal is never cut in half);
4. close the connection to Discord (the HTTP session).

The database is closed by the caller once the client has returned (see
:func:`adapters.discord.runner.serve_discord`). Every step logs one line; no token ever.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.discord.client import QuizClient

log = logging.getLogger(__name__)

#: Names discord.py gives the tasks that serve one event or interaction: event handlers,
#: slash commands, buttons (views and dynamic items) and modals.
HANDLER_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")

GATEWAY_CLOSE_SECONDS = 2.0
IN_FLIGHT_SECONDS = 5.0
TICKER_SECONDS = 3.0


def handler_tasks() -> list[asyncio.Task[object]]:
    """The tasks serving events and interactions right now (not the caller's own)."""
    me = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not me and not task.done() and task.get_name().startswith(HANDLER_TASK_PREFIXES)
    ]


async def close_gateway(client: QuizClient) -> None:
    """Disconnect every shard's websocket, keeping the HTTP session for replies in flight."""
    shards = list(client.shards.values())
    if shards:
        await asyncio.wait(
            [asyncio.ensure_future(shard.disconnect()) for shard in shards],
            timeout=GATEWAY_CLOSE_SECONDS,
        )


async def finish_in_flight(within: float = IN_FLIGHT_SECONDS) -> None:
    """Wait (at most ``within`` s) for the interactions being served to end."""
    pending = handler_tasks()
    if not pending:
        log.info("no work in flight")
        return
    log.info("finishing %d event(s) in flight", len(pending))
    _done, still = await asyncio.wait(pending, timeout=within)
    if still:
        log.warning("%d event(s) still running after %.0f s; leaving them", len(still), within)
    else:
        log.info("work in flight finished")


async def stop_ticker(client: QuizClient, within: float = TICKER_SECONDS) -> None:
    """Stop the ticker after its pass in flight (cancelled if it takes over ``within`` s)."""
    stopping = asyncio.ensure_future(client.ticker.stop())
    done, _pending = await asyncio.wait({stopping}, timeout=within)
    if done:
        stopping.result()
        log.info("ticker stopped")
        return
    stopping.cancel()  # cancels the pass it is waiting for
    await asyncio.gather(stopping, return_exceptions=True)
    log.warning("the ticker's pass took over %.0f s; cancelled it", within)


async def shut_down(client: QuizClient) -> None:
    """Stop taking work, finish what is in flight, stop the ticker, disconnect."""
    if client.is_closed():
        return
    await close_gateway(client)
    log.info("gateway closed: taking no new work")
    await finish_in_flight()
    await stop_ticker(client)
    await client.close()
