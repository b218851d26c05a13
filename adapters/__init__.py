"""Chat adapters: translate platform events to core service calls and render core views."""
