"""Chat platform adapters (Slack, Discord, console). Platform code only."""
