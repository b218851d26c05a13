"""Scheduled quizzes through the services, on SQLite and PostgreSQL: a weekly quiz starts
once at 17:00 London time in summer and in winter (two apps on one database, one injected
clock), the next run keeps local time across a daylight-saving change, moderators only,
list and off, a run skipped (with a log line) when a quiz is running or it is late, a
workspace removed or purged, and a channel that refuses the scheduled quiz's question."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from adapters.kit.conductor import Conductor
from adapters.kit.surface import Capabilities, PostRefused
from bot.clock import FakeClock
from bot.errors import NotAllowedError, QuizbotError
from bot.services import QuizApp
from bot.services.channel_settings import change
from bot.services.runs import next_run_after, parse_time, parse_weekday, parse_zone
from bot.views import ChannelRef, PlayerRef, QuestionView

HERE = ChannelRef("slack", "T1", "C1")
ELSEWHERE = ChannelRef("slack", "T1", "C2")
ANN = PlayerRef("slack", "T1", "U1", "Ann")  # a moderator
BOB = PlayerRef("slack", "T1", "U2", "Bob")

FRIDAY = parse_weekday("fri")
LONDON = parse_zone("Europe/London")
FIVE_PM = parse_time("17:00")


def test_weekly_runs_keep_local_time_across_daylight_saving() -> None:
    assert FRIDAY == 4 and parse_weekday("Friday") == 4 and parse_weekday("MON") == 0
    # A Friday in summer (BST, UTC+1), asked on the Wednesday before.
    assert next_run_after(
        datetime(2026, 6, 3, 12, tzinfo=UTC), FIVE_PM, LONDON, FRIDAY
    ) == datetime(2026, 6, 5, 16, tzinfo=UTC)
    # Friday 23 October is in BST; the clocks go back on Sunday 25th: the next Friday's
    # 17:00 is an hour later in UTC.
    first = next_run_after(datetime(2026, 10, 22, 12, tzinfo=UTC), FIVE_PM, LONDON, FRIDAY)
    assert first == datetime(2026, 10, 23, 16, tzinfo=UTC)
    assert next_run_after(first, FIVE_PM, LONDON, FRIDAY) == datetime(2026, 10, 30, 17, tzinfo=UTC)
    # On the day itself, before and after the time.
    assert next_run_after(
        datetime(2026, 12, 4, 16, 59, tzinfo=UTC), FIVE_PM, LONDON, FRIDAY
    ) == datetime(2026, 12, 4, 17, tzinfo=UTC)
    assert next_run_after(
        datetime(2026, 12, 4, 17, 0, tzinfo=UTC), FIVE_PM, LONDON, FRIDAY
    ) == datetime(2026, 12, 11, 17, tzinfo=UTC)
    with pytest.raises(QuizbotError, match="give the day"):
        parse_weekday("fr")
    with pytest.raises(QuizbotError, match="give the day"):
        parse_weekday("someday")


async def test_a_weekly_quiz_starts_once_at_five_in_london_summer_and_winter(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.services.quiz_schedules")
    clock = FakeClock(datetime(2026, 10, 21, 9, 0, tzinfo=UTC))
    first = await QuizApp.open(database_url, clock, upgrade=True)
    second = await QuizApp.open(database_url, clock, upgrade=True)
    try:
        schedule = await first.schedule_quiz(
            HERE,
            ANN,
            "weekly",
            "17:00",
            "Europe/London",
            weekday="fri",
            bank="crm-podcast",
            questions=3,
            seconds=20,
            is_moderator=True,
        )
        assert schedule.next_run_at == datetime(2026, 10, 23, 16, tzinfo=UTC)
        assert "every Friday at 17:00 (Europe/London)" in schedule.describe()
        assert "3 questions from crm-podcast, 20 s each" in schedule.describe()

        async def both() -> list[int]:
            """Both processes look for due quizzes at once, twice each."""
            batches = await asyncio.gather(
                *(app.start_due_quizzes("slack") for app in (first, second, second, first))
            )
            return [q.quiz_id for batch in batches for q in batch]

        # Summer time (BST): 17:00 in London is 16:00 UTC.
        clock.set(datetime(2026, 10, 23, 15, 59, 59, tzinfo=UTC))
        assert await both() == []
        clock.set(datetime(2026, 10, 23, 16, 0, 2, tzinfo=UTC))
        started = await both()
        assert len(started) == 1
        question = await first.open_round(HERE)
        assert question is not None and question.quiz_id == started[0]
        assert (question.number, question.total, question.seconds) == (1, 3, 20)
        assert question.mode == "normal" and question.channel == HERE
        await first.stop_quiz(HERE, ANN)
        assert await both() == []

        # Winter time (GMT) after the clocks went back: 17:00 in London is 17:00 UTC.
        clock.set(datetime(2026, 10, 30, 16, 0, 2, tzinfo=UTC))
        assert await both() == []
        clock.set(datetime(2026, 10, 30, 17, 0, 2, tzinfo=UTC))
        started = await both()
        assert len(started) == 1
        await second.stop_quiz(HERE, ANN)
        [listed] = await second.scheduled_quizzes(HERE)
        assert listed.next_run_at == datetime(2026, 11, 6, 17, tzinfo=UTC)
        # Each run was claimed by one of them: the other never even tried to start it.
        assert "skipped" not in caplog.text
    finally:
        await first.close()
        await second.close()


async def test_a_daily_quiz_and_its_channel_defaults(app: QuizApp, clock: FakeClock) -> None:
    clock.set(datetime(2026, 7, 1, 5, 0, tzinfo=UTC))
    schedule = await app.schedule_quiz(
        ELSEWHERE, ANN, "daily", "08:30", "Europe/Berlin", is_moderator=True
    )
    assert schedule.next_run_at == datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # CEST, UTC+2
    assert "a quiz every day at 08:30 (Europe/Berlin)" in schedule.describe()
    assert "from the channel's bank" in schedule.describe()
    for day in (1, 2):
        clock.set(datetime(2026, 7, day, 6, 30, 1, tzinfo=UTC))
        [question] = await app.start_due_quizzes()
        assert question.channel == ELSEWHERE and question.number == 1
        # What the schedule leaves out is what /quiz start would use here.
        assert (question.total, question.seconds) == (10, 30)
        await app.stop_quiz(ELSEWHERE, ANN)
    # A moderator's channel settings are the defaults of the next scheduled quiz too; what
    # a schedule says wins.
    await app.change_channel_settings(
        ELSEWHERE, ANN, change(bank="demo", questions=2, seconds=15), is_moderator=True
    )
    await app.schedule_quiz(
        ELSEWHERE, ANN, "daily", "09:00", "Europe/Berlin", seconds=40, is_moderator=True
    )
    clock.set(datetime(2026, 7, 3, 6, 30, 1, tzinfo=UTC))
    [question] = await app.start_due_quizzes()
    assert (question.bank_title, question.total, question.seconds) == ("Demo bank", 2, 15)
    await app.stop_quiz(ELSEWHERE, ANN)
    clock.set(datetime(2026, 7, 3, 7, 0, 1, tzinfo=UTC))
    [question] = await app.start_due_quizzes()
    assert (question.bank_title, question.total, question.seconds) == ("Demo bank", 2, 40)


async def test_only_moderators_schedule_or_unschedule(app: QuizApp) -> None:
    with pytest.raises(NotAllowedError, match="moderator"):
        await app.schedule_quiz(HERE, BOB, "daily", "09:00", "Europe/London")
    await app.schedule_quiz(HERE, ANN, "daily", "09:00", "Europe/London", is_moderator=True)
    with pytest.raises(NotAllowedError, match="moderator"):
        await app.unschedule_quizzes(HERE, BOB)
    assert len(await app.scheduled_quizzes(HERE)) == 1  # anyone may list


async def test_bad_schedules_are_refused_saying_why(app: QuizApp) -> None:
    async def schedule(*args: str, **options: object) -> None:
        await app.schedule_quiz(HERE, ANN, *args, is_moderator=True, **options)  # type: ignore[arg-type]

    with pytest.raises(QuizbotError, match="needs a day"):
        await schedule("weekly", "17:00", "Europe/London")
    with pytest.raises(QuizbotError, match="daily or weekly"):
        await schedule("monthly", "17:00", "Europe/London")
    with pytest.raises(QuizbotError, match="HH:MM"):
        await schedule("daily", "5pm", "Europe/London")
    with pytest.raises(QuizbotError, match="unknown time zone"):
        await schedule("daily", "17:00", "Europe/Londinium")
    with pytest.raises(QuizbotError, match="between 1 and"):
        await schedule("daily", "17:00", "Europe/London", questions=0)
    with pytest.raises(QuizbotError, match="between 5 and"):
        await schedule("daily", "17:00", "Europe/London", seconds=1)
    with pytest.raises(QuizbotError, match="no-such-bank"):
        await schedule("daily", "17:00", "Europe/London", bank="no-such-bank")
    assert await app.scheduled_quizzes(HERE) == []


async def test_list_and_off(app: QuizApp, clock: FakeClock) -> None:
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))  # a Tuesday
    friday = await app.schedule_quiz(
        HERE, ANN, "weekly", "17:00", "Europe/London", weekday="fri", is_moderator=True
    )
    wednesday = await app.schedule_quiz(
        HERE, ANN, "weekly", "12:00", "Europe/London", weekday="wed", is_moderator=True
    )
    other = await app.schedule_quiz(
        ELSEWHERE, ANN, "daily", "09:00", "Europe/London", is_moderator=True
    )
    listed = await app.scheduled_quizzes(HERE)
    assert [s.schedule_id for s in listed] == [wednesday.schedule_id, friday.schedule_id]
    assert {s.schedule_id for s in await app.scheduled_quizzes()} == {
        friday.schedule_id,
        wednesday.schedule_id,
        other.schedule_id,
    }
    with pytest.raises(QuizbotError, match=f"no scheduled quiz #{other.schedule_id}"):
        await app.unschedule_quizzes(HERE, ANN, other.schedule_id, is_moderator=True)
    removed = await app.unschedule_quizzes(HERE, ANN, friday.schedule_id, is_moderator=True)
    assert [s.schedule_id for s in removed] == [friday.schedule_id]
    removed = await app.unschedule_quizzes(HERE, ANN, is_moderator=True)
    assert [s.schedule_id for s in removed] == [wednesday.schedule_id]
    assert await app.scheduled_quizzes(HERE) == []
    with pytest.raises(QuizbotError, match="no scheduled quiz"):
        await app.unschedule_quizzes(HERE, ANN, is_moderator=True)
    assert len(await app.scheduled_quizzes(ELSEWHERE)) == 1  # another channel's stays
    clock.set(datetime(2026, 12, 2, 12, 0, 1, tzinfo=UTC))
    assert await app.start_due_quizzes() == []  # the removed ones never start


async def test_a_run_is_skipped_when_a_quiz_is_running_or_it_is_late(
    app: QuizApp, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.services.quiz_schedules")
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))
    await app.schedule_quiz(HERE, ANN, "daily", "18:00", "Europe/London", is_moderator=True)
    await app.start_quiz(HERE, BOB, "demo", 1, 3600)
    clock.set(datetime(2026, 12, 1, 18, 0, 1, tzinfo=UTC))
    assert await app.start_due_quizzes() == []
    assert "skipped, quiz" in caplog.text and "is running in its channel" in caplog.text
    [schedule] = await app.scheduled_quizzes(HERE)
    assert schedule.next_run_at == datetime(2026, 12, 2, 18, tzinfo=UTC)  # moved on
    await app.stop_quiz(HERE, BOB)
    # The bot was down at 18:00 the next day and comes back at 19:00: no quiz an hour late.
    clock.set(datetime(2026, 12, 2, 19, 0, tzinfo=UTC))
    assert await app.start_due_quizzes() == []
    assert "skipped the run due at 2026-12-02T18:00:00+00:00" in caplog.text
    clock.set(datetime(2026, 12, 3, 18, 0, 1, tzinfo=UTC))
    assert len(await app.start_due_quizzes()) == 1


async def test_a_workspace_removed_or_purged_loses_its_scheduled_quizzes(app: QuizApp) -> None:
    other = ChannelRef("slack", "T2", "C1")
    ben = PlayerRef("slack", "T2", "U1", "Ben")
    for where, who in ((HERE, ANN), (ELSEWHERE, ANN), (other, ben)):
        await app.schedule_quiz(where, who, "daily", "09:00", "UTC", is_moderator=True)
    halted = await app.halt_workspace("slack", "T1")
    assert halted.schedules == 2
    assert await app.scheduled_quizzes(HERE) == [] == await app.scheduled_quizzes(ELSEWHERE)
    assert len(await app.scheduled_quizzes(other)) == 1  # another workspace's stays
    counted = await app.purge_workspace("slack", "T2", dry_run=True)
    assert counted["scheduled quizzes"] == 1
    assert (await app.purge_workspace("slack", "T2")) == counted
    assert await app.scheduled_quizzes() == []


class RefusingSurface:
    """A platform where the channel refuses every post (gone, or a permission taken away)."""

    platform = "slack"
    capabilities = Capabilities(private_chats=False, live_counts=False)

    def __init__(self, gone: bool) -> None:
        self.gone = gone
        self.told: list[str] = []

    async def post_question(self, question: QuestionView) -> str:
        raise PostRefused("I need to be invited to that channel", gone=self.gone)

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        self.told.append(f"{user}: {text}")

    def owns(self, workspace: str) -> bool:
        return True


@pytest.mark.parametrize("gone", [True, False])
async def test_a_refused_scheduled_quiz_stops_and_a_gone_channel_loses_its_schedules(
    app: QuizApp, clock: FakeClock, gone: bool
) -> None:
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))
    await app.schedule_quiz(HERE, ANN, "daily", "18:00", "UTC", is_moderator=True)
    surface = RefusingSurface(gone)
    conductor = Conductor(app, surface)  # type: ignore[arg-type]
    clock.set(datetime(2026, 12, 1, 18, 0, 1, tzinfo=UTC))
    await conductor.ticker.tick()
    assert await app.open_round(HERE) is None  # the quiz it started is stopped again
    if gone:  # nothing to tell, nowhere to start a quiz again
        assert surface.told == [] and await app.scheduled_quizzes(HERE) == []
    else:  # its moderator is told why; it tries again the next day (once the bot is let in)
        assert surface.told == ["U1: I stopped the quiz: I need to be invited to that channel"]
        assert len(await app.scheduled_quizzes(HERE)) == 1
