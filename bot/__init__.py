"""The Discord front end: a discord.py bot over the same QAService and feedback store as the HTTP API."""
