"""The platform-neutral bot: command line, settings, storage, scheduling, commands."""
