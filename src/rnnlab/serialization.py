"""Model files and checkpoints: safetensors weights plus a JSON header, never pickle.

One file holds everything: the tensors, and in the safetensors metadata under ``"rnnlab"`` a
JSON document with the format name and version and the model's config (layers, seed, class
labels, normalisation statistics). Reading parses the 8-byte header length and the JSON header
with the standard library, checks them, and only then hands the bytes to ``safetensors`` —
nothing in a file is ever executed, so a pickle, a ``torch.save`` archive, a truncated file or a
file from a newer rnnlab is refused with a :class:`ModelFileError` that says which.

Writes are atomic: the bytes go to a temporary file in the same folder, are flushed to disk and
then renamed over the target (``os.replace``), so a crash leaves the old file or the new one,
never half of one.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1
MODEL_FORMAT = "rnnlab-model"
CHECKPOINT_FORMAT = "rnnlab-checkpoint"
_MAX_HEADER = 100 * 2**20


class ModelFileError(ValueError):
    """A file that is not a readable rnnlab model or checkpoint, explained in one sentence.

    Example:
        >>> issubclass(ModelFileError, ValueError)
        True
    """


def write_file(path: str | os.PathLike, arrays: dict[str, np.ndarray], header: dict[str, Any],
               kind: str) -> Path:
    """Atomically write ``arrays`` and the JSON ``header`` (plus format fields) to ``path``."""
    from safetensors.numpy import save

    from rnnlab import __version__

    path = Path(path)
    document = {"format": kind, "format_version": FORMAT_VERSION, "rnnlab_version": __version__,
                **header}
    payload = save({k: np.ascontiguousarray(v) for k, v in arrays.items()},
                   metadata={"rnnlab": json.dumps(document)})
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path


def _header(raw: bytes, path: Path) -> dict[str, Any]:
    # A safetensors file starts with its header's length, whose first byte may well be 0x80:
    # only call it a pickle when the JSON header that length announces is not there.
    announced = struct.unpack("<Q", raw[:8])[0] if len(raw) >= 8 else 0
    is_safetensors = announced < len(raw) and raw[8:9] == b"{"
    if not is_safetensors and (raw[:1] == b"\x80" or raw[:2] == b"PK"):
        raise ModelFileError(f"{path} holds a Python pickle (or a torch.save archive); rnnlab "
                             f"never loads those, because unpickling can run arbitrary code — "
                             f"rnnlab model files are .safetensors written by model.save()")
    if len(raw) < 8:
        raise ModelFileError(f"{path} is only {len(raw)} bytes long: it is truncated or not an "
                             f"rnnlab file")
    (size,) = struct.unpack("<Q", raw[:8])
    if size > _MAX_HEADER or 8 + size > len(raw):
        raise ModelFileError(f"{path} is truncated or not a safetensors file (its header claims "
                             f"{size} bytes, the file has {len(raw)})")
    try:
        header = json.loads(raw[8:8 + size])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"{path} is not a safetensors file (its header is not JSON)") \
            from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{path} is not a safetensors file (unexpected header)")
    end = max((entry["data_offsets"][1] for key, entry in header.items()
               if key != "__metadata__" and isinstance(entry, dict)
               and "data_offsets" in entry), default=0)
    if 8 + size + end > len(raw):
        raise ModelFileError(f"{path} is truncated: its tensors need {8 + size + end} bytes, the "
                             f"file has {len(raw)}")
    return header


def read_file(path: str | os.PathLike, kind: str) -> tuple[dict[str, np.ndarray], dict]:
    """Check and read a file written by :func:`write_file`; return ``(arrays, document)``."""
    from safetensors import SafetensorError
    from safetensors.numpy import load

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no rnnlab file at {path}")
    raw = path.read_bytes()
    header = _header(raw, path)
    text = (header.get("__metadata__") or {}).get("rnnlab")
    if text is None:
        raise ModelFileError(f"{path} is a safetensors file but not an rnnlab one (it has no "
                             f"rnnlab header); it was written by another program")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise ModelFileError(f"{path} has a damaged rnnlab header (not JSON)") from None
    version = document.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path} has no format version in its rnnlab header")
    if version > FORMAT_VERSION:
        raise ModelFileError(f"{path} was written by rnnlab {document.get('rnnlab_version')} in "
                             f"format version {version}; this rnnlab reads up to version "
                             f"{FORMAT_VERSION} — upgrade rnnlab to read it")
    if document.get("format") != kind:
        names = {MODEL_FORMAT: "a model", CHECKPOINT_FORMAT: "a training checkpoint"}
        found = names.get(document.get("format"), repr(document.get("format")))
        raise ModelFileError(f"{path} is {found}, not {names[kind]}")
    try:
        arrays = load(raw)
    except SafetensorError as error:
        raise ModelFileError(f"{path} is damaged: {error}") from None
    return arrays, document


# ---------------------------------------------------------------------- models
def save_model(model: Any, path: str | os.PathLike) -> Path:
    """Write ``model`` (weights and config) to ``path``; see :meth:`Sequential.save`."""
    return write_file(path, model.params, {"config": model.config()}, MODEL_FORMAT)


def load(path: str | os.PathLike, *, engine: str | None = None, dtype: str | None = None,
         device: str | None = None) -> Any:
    """Read a model written by ``model.save(path)``.

    Args:
        path: the ``.safetensors`` file.
        engine, dtype, device: what the loaded model predicts with (default: as saved).

    Example:
        >>> import os, tempfile, rnnlab
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=1,
        ...                      task="regress")
        >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
        >>> model.save(path)
        >>> rnnlab.load(path, engine="reference").num_parameters() == model.num_parameters()
        True
    """
    from rnnlab.models.sequential import Sequential

    arrays, document = read_file(path, MODEL_FORMAT)
    try:
        model = Sequential.from_config(document["config"])
        model.set_weights(arrays)
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{path} holds a damaged model: {error}") from None
    if engine or dtype or device:
        model.to(engine, dtype=dtype, device=device)
    return model


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Load the weights of a file saved from a model with the same layers into ``model``."""
    arrays, document = read_file(path, MODEL_FORMAT)
    theirs = document.get("config", {}).get("layers")
    ours = model.config()["layers"]
    if theirs != ours:
        raise ModelFileError(f"{path} holds a different model: its layers are "
                             f"{_layer_text(theirs)}, this model's are {_layer_text(ours)}")
    model.set_weights(arrays)


def _layer_text(layers: Any) -> str:
    if not isinstance(layers, list):
        return repr(layers)
    return "[" + ", ".join(str(c.get("type")) + str({k: v for k, v in c.items() if k != "type"})
                           for c in layers if isinstance(c, dict)) + "]"
