"""Tests of the Telegram side: a fake Telegram Bot API (fake_telegram.py) and its own tests."""
