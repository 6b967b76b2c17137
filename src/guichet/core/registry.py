"""A tiny plugin registry shared by every plugin kind (channels, transports, exports…).

Each plugin kind owns one `Registry` in its `registry.py`; each plugin registers itself with
`@registry.register("name")` when its app is ready (Open Forms' pattern).
"""

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, T] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorator(plugin_class: type[T]) -> type[T]:
            if name in self._plugins:
                raise ValueError(f"{self.kind} plugin {name!r} is already registered")
            self._plugins[name] = plugin_class()
            return plugin_class

        return decorator

    def __getitem__(self, name: str) -> T:
        try:
            return self._plugins[name]
        except KeyError:
            raise KeyError(f"no {self.kind} plugin named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._plugins

    def __iter__(self) -> Iterator[tuple[str, T]]:
        return iter(sorted(self._plugins.items()))
