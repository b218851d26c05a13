"""The size limits of each chat platform, as their documentation states them.

One table for everything that has to fit: the renderers budget their messages against it,
the fakes in ``tests/`` refuse what breaks it (as the real platforms do), and
``quizbot validate`` / ``quizbot lint`` warn about bank text that cannot be shown whole.

Sources (checked 2026-12):
- Discord: embed title 256, description 4096, field value 1024, footer 2048, 25 fields and
  6,000 characters in all per message's embeds; message content 2,000; button label 80,
  custom id 100; 5 buttons a row, 5 rows (discord.com/developers/docs/resources/message,
  .../interactions/message-components);
- Slack: section text 3,000; button text 75, value 2,000; 50 blocks a message, 25 elements
  an actions block; modal title 24 (docs.slack.dev/reference/block-kit);
- Telegram: message text 4,096 after entities are parsed, photo caption 1,024, callback data
  64 bytes, ``answerCallbackQuery`` text 200, a photo 10 MB (core.telegram.org/bots/api).
- Pictures: Discord uploads 10 files, 10 MiB a message; Slack's image block takes an
  ``image_url`` of 3,000 characters and ``alt_text`` of 2,000, PNG/JPEG/GIF only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """How much text one question can carry on a platform, as quizbot shows it there.

    ``prompt`` is the most a question's text may be to be shown whole, ``option`` an option's
    text, ``explanation`` the explanation shown at the reveal, ``message`` a whole message
    (question, options and the lines around them).
    """

    platform: str
    prompt: int
    option: int
    explanation: int
    message: int
    button_label: int


DISCORD = PlatformLimits(
    platform="discord",
    prompt=4096 - 200,  # the embed description, less the deadline line and spacing
    option=900,  # options are listed in the description; each stays well inside it
    explanation=1024,  # the reveal's "Why" field
    message=6000,  # all embeds of one message
    button_label=80,
)
SLACK = PlatformLimits(
    platform="slack",
    prompt=3000 - 120,  # one section: the heading line and the prompt
    option=3000 - 20,  # each option gets its own section when they do not fit in one
    explanation=3000 - 10,
    message=50,  # blocks (Slack counts blocks, not characters)
    button_label=75,
)
TELEGRAM = PlatformLimits(
    platform="telegram",
    prompt=4096 - 300,  # one message: heading, prompt, options, the deadline line
    option=4096 - 300,
    explanation=4096 - 300,
    message=4096,
    button_label=64,  # longer button text is cut by the clients
)

#: Every platform quizbot has an adapter for, by name.
LIMITS: dict[str, PlatformLimits] = {p.platform: p for p in (DISCORD, SLACK, TELEGRAM)}

#: Discord, raw.
DISCORD_EMBED_TITLE = 256
DISCORD_EMBED_DESCRIPTION = 4096
DISCORD_EMBED_FIELD_NAME = 256
DISCORD_EMBED_FIELD_VALUE = 1024
DISCORD_EMBED_FOOTER = 2048
DISCORD_EMBED_FIELDS = 25
DISCORD_EMBEDS_TOTAL = 6000
DISCORD_CONTENT = 2000
DISCORD_BUTTON_LABEL = 80
DISCORD_CUSTOM_ID = 100
DISCORD_BUTTONS_PER_ROW = 5
DISCORD_ROWS = 5
#: Files a bot uploads with one message: 10 at most, 10 MiB in all (the default upload
#: limit since 2024-09; an embed shows one as ``attachment://<filename>``).
DISCORD_FILES = 10
DISCORD_UPLOAD_BYTES = 10 * 1024 * 1024

#: Slack, raw.
SLACK_SECTION_TEXT = 3000
SLACK_CONTEXT_TEXT = 3000
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2000
SLACK_BLOCKS = 50
SLACK_ACTIONS_ELEMENTS = 25
SLACK_MODAL_TITLE = 24
SLACK_FALLBACK_TEXT = 40000
#: The image block: a public ``image_url`` of at most 3,000 characters, ``alt_text``
#: (required) at most 2,000; PNG, JPEG and GIF only (docs.slack.dev .../image-block).
SLACK_IMAGE_URL = 3000
SLACK_IMAGE_ALT = 2000
SLACK_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})

#: Telegram, raw.
TELEGRAM_TEXT = 4096
TELEGRAM_CAPTION = 1024
TELEGRAM_CALLBACK_DATA_BYTES = 64
TELEGRAM_CALLBACK_ANSWER = 200
#: ``sendPhoto``: at most 10 MB uploaded (a photo by URL is fetched by Telegram).
TELEGRAM_PHOTO_BYTES = 10 * 1000 * 1000
