class DemoError(Exception):
    """The demo cannot be seeded as asked; the message says why and what to do."""


class DemoAlreadyLoaded(DemoError):
    def __init__(self):
        super().__init__("demo already loaded, use --reset")
