"""The small error hierarchy every edge (CLI, HTTP, Discord) translates into one clear line."""


class ReelqaError(Exception):
    """Base of every error reelqa reports to a user; `str()` is the one line to show."""

    exit_code = 1


class ConfigError(ReelqaError):
    """A setting is missing or invalid."""

    exit_code = 2


class StorageError(ConfigError):
    """A file under the data folder can't be written (read-only folder, deleted and not recreatable)."""


class InputError(ReelqaError):
    """A user's input (question, file, option) is invalid."""

    exit_code = 2


class NotFoundError(InputError):
    """A named thing (document, answer) does not exist."""


class DocumentError(InputError):
    """One corpus file cannot be loaded; the rest of the corpus is still indexed."""

    def __init__(self, source: str, problem: str, advice: str = "fix or remove the file"):
        self.source, self.problem, self.advice = source, problem, advice
        super().__init__(f"{source}: {problem}; {advice}")


class IndexMissingError(ReelqaError):
    """No index has been built yet."""

    exit_code = 3


class IndexDamagedError(IndexMissingError):
    """The pointer to the live version can't be read or names a version that is missing or incomplete."""


class IndexBusyError(ReelqaError):
    """Another process is writing the index."""

    exit_code = 4


class IndexCheckError(ReelqaError):
    """A freshly built index version failed its checks and was not switched to."""

    exit_code = 5


class DiscordUnavailableError(ReelqaError):
    """Discord could not be reached (no network, DNS failure, gateway down)."""

    exit_code = 6


class AddressInUseError(ReelqaError):
    """The address `reelqa serve` should listen on is taken or cannot be bound."""

    exit_code = 7
