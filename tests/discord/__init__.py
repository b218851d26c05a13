"""End-to-end tests of the Discord adapter against a fake Discord server (a package, so its
modules are ``tests.discord.*`` and never clash with other test folders' ``conftest``)."""
