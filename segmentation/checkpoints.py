"""Reading state-dict files: their keys without torch, their tensors with torch.

:func:`read_state_dict_keys` lets :mod:`segmentation.registry` tell which architecture a weights
file belongs to without importing torch (the web process checks availability cheaply): a file
written by ``torch.save`` (zip format, the default since torch 1.6) holds a pickle of the dict in
``<archive>/data.pkl`` whose tensors are references to separate storage records. Unpickling that
record with every global replaced by an inert stub and every storage reference by ``None`` yields
the dict's keys without reading any tensor data and without executing anything from the file.
Legacy (non-zip) files fall back to ``torch.load(..., weights_only=True)``.

Checkpoints that wrap the state dict (``{"model": sd}``, ``{"state_dict": sd}``) and
``DataParallel`` key prefixes (``module.``) are unwrapped the same way by both readers.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile
from collections.abc import Mapping
from typing import Any

__all__ = ["CheckpointError", "read_state_dict_keys", "unwrap_state_dict"]

_WRAPPER_KEYS = ("state_dict", "model")


class CheckpointError(ValueError):
    """The file is not a readable PyTorch state dict."""


def unwrap_state_dict(obj: Any) -> Any:
    """The state dict inside a checkpoint: follows ``"state_dict"`` / ``"model"`` entries that are
    mappings and strips a ``module.`` prefix carried by every key."""
    for _ in range(3):
        if not isinstance(obj, Mapping):
            break
        inner = next((obj[k] for k in _WRAPPER_KEYS if isinstance(obj.get(k), Mapping)), None)
        if inner is None:
            break
        obj = inner
    if isinstance(obj, Mapping) and obj and all(isinstance(k, str) and k.startswith("module.") for k in obj):
        obj = collections.OrderedDict((k[len("module.") :], v) for k, v in obj.items())
    return obj


class _Inert:
    """Stands in for any class or function a checkpoint pickle names; calling it, or restoring
    state into it, does nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> _Inert:
        return _Inert()

    def __setstate__(self, state: Any) -> None:
        pass


class _KeysOnlyUnpickler(pickle.Unpickler):
    _ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict}

    def find_class(self, module: str, name: str) -> Any:
        return self._ALLOWED.get((module, name), _Inert)

    def persistent_load(self, pid: Any) -> None:
        return None


def _keys_of(obj: Any, path: str | os.PathLike[str]) -> frozenset[str]:
    obj = unwrap_state_dict(obj)
    if not isinstance(obj, Mapping) or not all(isinstance(k, str) for k in obj):
        raise CheckpointError(f"{os.fspath(path)} does not hold a state dict (got {type(obj).__name__})")
    return frozenset(obj)


def read_state_dict_keys(path: str | os.PathLike[str]) -> frozenset[str]:
    """Parameter names stored in the state-dict file ``path``.

    Raises:
        FileNotFoundError: no such file.
        CheckpointError: the file is not a PyTorch state dict.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(os.fspath(path))
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                record = next((n for n in archive.namelist() if n.endswith("data.pkl") and n.count("/") == 1), None)
                if record is None:
                    raise CheckpointError(f"{os.fspath(path)} is a zip file but not a torch.save archive")
                payload = archive.read(record)
            obj = _KeysOnlyUnpickler(io.BytesIO(payload)).load()
        except CheckpointError:
            raise
        except Exception as exc:  # a corrupt archive or pickle can fail in many ways
            raise CheckpointError(f"{os.fspath(path)} is not a readable PyTorch state dict: {exc}") from exc
        return _keys_of(obj, path)
    # Legacy torch.save format (or garbage): only torch can tell.
    return _keys_of(load_state_dict_file(path), path)


def load_state_dict_file(path: str | os.PathLike[str]) -> Mapping[str, Any]:
    """Tensors of the state-dict file ``path`` on the CPU (``torch.load(weights_only=True)``, so
    a file can only hold plain tensors and containers), unwrapped by :func:`unwrap_state_dict`.

    Raises:
        FileNotFoundError: no such file.
        CheckpointError: the file is not a PyTorch state dict.
    """
    import torch

    if not os.path.isfile(path):
        raise FileNotFoundError(os.fspath(path))
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # UnpicklingError, RuntimeError, EOFError, ... all mean "not usable"
        raise CheckpointError(f"{os.fspath(path)} is not a readable PyTorch state dict: {exc}") from exc
    obj = unwrap_state_dict(obj)
    if not isinstance(obj, Mapping) or not all(isinstance(k, str) for k in obj):
        raise CheckpointError(f"{os.fspath(path)} does not hold a state dict (got {type(obj).__name__})")
    return obj
