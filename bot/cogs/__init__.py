"""One cog per feature: ask, feedback buttons, admin, help, and the single error handler."""

EXTENSIONS = ("bot.cogs.errors", "bot.cogs.ask", "bot.cogs.feedback", "bot.cogs.admin", "bot.cogs.help")
