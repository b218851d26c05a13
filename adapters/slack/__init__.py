"""The Slack adapter: ``/quiz``, Block Kit buttons, the Home tab, over the adapter kit.

- :mod:`adapters.slack.platform`: what ``quizbot run slack`` finds (settings, service);
- :mod:`adapters.slack.settings`: ``SLACK_*`` variables;
- :mod:`adapters.slack.service`: HTTP routes on the web process, or Socket Mode;
- :mod:`adapters.slack.app`: the Bolt app and what its listeners share;
- :mod:`adapters.slack.listeners`: commands, actions, events, views, and error replies;
- :mod:`adapters.slack.surface`: posting and editing messages for the conductor (anything
  private goes to a DM);
- :mod:`adapters.slack.replies`: rendering the kit's replies;
- :mod:`adapters.slack.blocks`, :mod:`adapters.slack.study_blocks`: Block Kit, escaping bank
  text;
- :mod:`adapters.slack.home`: the Home tab;
- :mod:`adapters.slack.refs`: the platform's name and a request's workspace.
"""
