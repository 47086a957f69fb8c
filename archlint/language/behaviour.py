"""What the language's objects do beyond holding fields, shared by both of their forms:
the pydantic models (archlint.language.model) and the plain slotted classes the
compiled validator builds (archlint.language.compiled). No pydantic here.

A mixin may name `PLAIN_SLOTS`, attributes its plain form needs besides the fields (a
cache); the generator adds them to the plain class's `__slots__`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class StepBehaviour:
    """One chain of a flow's steps."""

    __slots__ = ()
    if TYPE_CHECKING:
        item: int
        member: int | None

        def _copy_with(self, update: dict[str, Any]) -> Any: ...

    def placed(self, item: int, member: int | None = None) -> Any:
        """This chain at its place in `steps` (and in a parallel group): a copy."""
        return self._copy_with({"item": item} if member is None else {"item": item, "member": member})


class ParallelBehaviour:
    """A `parallel:` group: chains that run at the same time."""

    __slots__ = ()
    if TYPE_CHECKING:
        parallel: tuple[Any, ...]


class FlowBehaviour:
    __slots__ = ()
    PLAIN_SLOTS = ("_chains",)
    if TYPE_CHECKING:
        steps: list[Any]
        payload: Any
        _chains: Any

    def chains(self) -> list[Any]:
        """Every chain of `steps` in order, parallel groups flattened; each knows its item
        (and member) so that findings can point at it. Computed once."""
        cached = self._cached_chains()
        if cached is not None:
            return cached
        chains: list[Any] = []
        for index, entry in enumerate(self.steps):
            if isinstance(entry, ParallelBehaviour):
                chains.extend(step.placed(index, member) for member, step in enumerate(entry.parallel))
            else:
                chains.append(entry if entry.item == index else entry.placed(index))
        self._chains = chains
        return chains

    def _cached_chains(self) -> list[Any] | None:
        return getattr(self, "_chains", None)

    def payload_for(self, cid: str) -> float | None:
        """The bytes a hop into `cid` writes, from the flow's `payload` (one size for every
        store, or the map's entry for `cid`); a step's own payload is the caller's to prefer."""
        payload = self.payload
        if isinstance(payload, dict):
            return payload.get(cid)
        return payload


class ApiBehaviour:
    __slots__ = ()
    if TYPE_CHECKING:
        endpoint: str

    @property
    def method(self) -> str:
        return self.endpoint.split(None, 1)[0]


class Plain:
    """The base of the plain classes: fields in slots, the keys that were written in
    `model_fields_set` (as pydantic's), equality by class and fields as pydantic's."""

    __slots__ = ()
    model_fields: tuple[str, ...] = ()
    model_fields_set: frozenset[str]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.model_fields)

    __hash__ = None  # type: ignore[assignment]  # as a pydantic model that is not frozen

    def _hash(self) -> int:
        """A frozen model's hash (Step, Parallel), by class and fields."""
        return hash((type(self).__name__,) + self._fields())

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.model_fields)

    def _copy_with(self, update: dict[str, Any]) -> Any:
        """A shallow copy with some fields changed, as pydantic's `model_copy(update=...)`."""
        copy = object.__new__(type(self))
        for name in self.model_fields:
            object.__setattr__(copy, name, update[name] if name in update else getattr(self, name))
        object.__setattr__(copy, "model_fields_set", self.model_fields_set | update.keys())
        for name in getattr(type(self), "PLAIN_SLOTS", ()):
            object.__setattr__(copy, name, None)
        return copy

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.model_fields)
        return f"{type(self).__name__}({shown})"
