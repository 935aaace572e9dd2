"""Algorithm B's kernels compiled ahead of time, so that an assignment starts in a fraction of a second.

Importing numba and loading its cached JIT code costs about half a second per process: more than a
whole assignment of a network of Anaheim's size. numba's ahead-of-time compiler (``numba.pycc``)
turns the same kernels (``bush``, and ``links.refresh_links`` and ``shortest.shortest_tree``, which
the engine also calls) into a Python extension module that loads in milliseconds without numba.

``python -m corridor.assign.native`` builds it into the package folder (``make`` does so; it needs a
C compiler, as numba's AOT does). The engine uses it for ``algorithm="b"`` when it is there, was built
from the current kernel sources and takes arrays laid out as the engine's are; otherwise it uses
numba's JIT, with the same results (``AssignmentResult.kernels`` says which ran). ``numba.pycc`` is
pending deprecation in numba; the JIT path stays the reference.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

import numpy as np

from corridor.assign.problem import Bushes, LinkState, Net, Scratch, Trips

__all__ = ["KERNELS", "Kernels", "build", "default_directory", "jit_kernels", "kernels", "load", "sources_digest"]

#: The compiled functions, by the names the engine and ``algorithm_b`` call them.
KERNELS = ("refresh_links", "shortest_tree", "start", "iterate", "sweep", "rebuild", "gap")
MODULE = "_bush_native"
_PACKAGE = Path(__file__).resolve().parent
#: The sources the kernels are compiled from: a change to any of them makes a built module stale.
_SOURCES = ("assign/bush.py", "assign/links.py", "assign/shortest.py", "assign/problem.py", "graphs/heap.py")


@dataclass(frozen=True)
class Kernels:
    """One set of Algorithm B's kernels: ``kind`` is ``"native"`` (ahead of time) or ``"jit"`` (numba)."""

    kind: str
    refresh_links: Callable[..., Any]
    shortest_tree: Callable[..., Any]
    start: Callable[..., Any]
    iterate: Callable[..., Any]
    sweep: Callable[..., Any]
    rebuild: Callable[..., Any]
    gap: Callable[..., Any]
    layout: tuple[Any, ...] | None = None  # the argument layouts a native module was compiled for

    def accepts(self, *tuples: tuple) -> bool:
        """Whether these (net, trips, state, scratch) tuples have the dtypes, dimensions and layout the kernels
        were compiled for (always, for the JIT, which compiles for what it is given)."""
        return self.layout is None or tuple(layout(t) for t in tuples) == self.layout


def layout(value: Any) -> Any:
    """A value's type as compiled code sees it: per array its dtype, dimensions, order and writability."""
    if isinstance(value, np.ndarray):
        order = "C" if value.flags.c_contiguous else "A"
        return f"{value.dtype.str}:{value.ndim}{order}{'w' if value.flags.writeable else 'r'}"
    if isinstance(value, tuple):
        return tuple(layout(v) for v in value)
    return type(value).__name__


def default_directory() -> Path:
    """Where the built module lives: next to the kernels, in the package folder."""
    return _PACKAGE


def sources_digest() -> str:
    """SHA-256 over the kernels' source files."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((_PACKAGE.parent / name).read_bytes())
    return digest.hexdigest()


def _paths(directory: Path) -> tuple[Path, Path]:
    return directory / f"{MODULE}{EXTENSION_SUFFIXES[0]}", directory / f"{MODULE}.json"


@cache
def load(directory: Path | None = None) -> Kernels | None:
    """The ahead-of-time kernels built in ``directory`` (default: the package folder), or None where none are
    built or they were built from other sources."""
    module_path, meta_path = _paths(directory or default_directory())
    if not (module_path.is_file() and meta_path.is_file()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("sources_sha256") != sources_digest():
        return None
    spec = importlib.util.spec_from_file_location(f"corridor.assign.{MODULE}", module_path)
    if spec is None or spec.loader is None:  # pragma: no cover - a file that is not an extension module
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    functions = {name: getattr(module, name) for name in KERNELS}
    return Kernels("native", **functions, layout=_as_tuples(meta["layout"]))


def _as_tuples(value: Any) -> Any:
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value


@cache
def jit_kernels() -> Kernels:
    """The kernels compiled by numba's JIT (cached on disk by numba)."""
    from corridor.assign import bush
    from corridor.assign.links import refresh_links
    from corridor.assign.shortest import shortest_tree

    return Kernels(
        "jit", refresh_links, shortest_tree, start=bush.start, iterate=bush.iterate, sweep=bush.sweep,
        rebuild=bush.rebuild, gap=bush.gap,
    )  # fmt: skip


def kernels(tuples: Sequence[tuple], directory: Path | None = None) -> Kernels:
    """The ahead-of-time kernels where built, current and made for ``tuples`` (net, trips, state, scratch);
    numba's JIT kernels otherwise."""
    native = load(directory)
    if native is not None and native.accepts(*tuples):
        return native
    return jit_kernels()


def _examples() -> tuple[Net, Trips, LinkState, Scratch, Bushes]:
    """(net, trips, state, scratch, bushes) of a two-link network, built by the engine's own code."""
    from corridor.assign.inputs import AssignmentNetwork, Demand
    from corridor.assign.problem import UE, new_bushes, new_net, new_scratch, new_trips, zero_state

    network = AssignmentNetwork.bpr(2, [0, 1], [1, 0], [1.0, 1.0], [1.0, 1.0], fixed_cost=[0.0, 0.0])
    net = new_net(network)
    trips = new_trips(network, [Demand(np.array([0]), np.array([1]), np.array([1.0]))], UE)
    state = zero_state(net)  # the layout is all that counts here
    scratch = new_scratch(net)
    return net, trips, state, scratch, new_bushes(net, trips)


def _signatures(net: Net, trips: Trips, state: LinkState, scratch: Scratch, bushes: Bushes) -> dict[str, Any]:
    from numba import typeof, types

    tn, tt, ts, tc, tb = (typeof(t) for t in (net, trips, state, scratch, bushes))
    arrays = lambda *values: [typeof(v) for v in values]  # noqa: E731
    return {
        "refresh_links": types.void(
            *arrays(net.kind, net.free_flow_time, net.capacity, net.alpha, net.beta),
            *arrays(state.volume, state.time, state.slope, state.curvature),
        ),
        "shortest_tree": types.int64(
            *arrays(net.first_out, net.star_link, net.star_head, scratch.cost),
            types.int64,
            types.int64,
            *arrays(scratch.dist, scratch.pred_link, scratch.order, scratch.heap_keys, scratch.heap_items),
        ),
        "start": types.void(tn, tt, ts, tc, tb),
        "iterate": types.void(tn, tt, ts, tc, tb, types.int64, types.float64),
        "sweep": types.void(tn, tt, ts, tc, tb, types.int64, types.float64),
        "rebuild": types.void(tn, tt, ts, tb),
        "gap": types.float64(tn, tt, ts, tc, tb),
    }


def build(directory: Path | None = None) -> Path:
    """Compile the kernels ahead of time into ``directory`` (default: the package folder); returns the module's
    path. Takes some seconds; needs numba and a C compiler."""
    import tempfile  # here, not at the top: loading the module should cost nothing it does not need
    import warnings

    from llvmlite.binding import get_host_cpu_name  # type: ignore[import-untyped]
    from numba.core.errors import NumbaPendingDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaPendingDeprecationWarning)
        from numba.pycc import CC

    jit = jit_kernels()
    examples = _examples()
    target = directory or default_directory()
    target.mkdir(parents=True, exist_ok=True)
    module_path, meta_path = _paths(target)
    with tempfile.TemporaryDirectory(dir=target) as scratch_dir:
        compiler = CC(MODULE)
        compiler.output_dir = scratch_dir
        compiler.target_cpu = get_host_cpu_name()  # built where it runs, like the JIT: this CPU's instructions
        for name, signature in _signatures(*examples).items():
            compiler.export(name, signature)(getattr(jit, name).py_func)
        compiler.compile()
        os.replace(Path(scratch_dir) / module_path.name, module_path)
    meta = {"sources_sha256": sources_digest(), "layout": [layout(t) for t in examples[:4]]}
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    load.cache_clear()
    return module_path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m corridor.assign.native [DIRECTORY]``: build the module, say where."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = build(Path(args[0]) if args else None)
    print(f"Algorithm B compiled ahead of time: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
