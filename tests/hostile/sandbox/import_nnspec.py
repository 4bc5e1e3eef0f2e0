"""Hostile: import nnspec's own packages to read the reference (PYTHONPATH may point at the checkout)."""
import importlib

for name in ("nnspec", "spec", "reference", "reference.network"):
    try:
        module = importlib.import_module(name)
        print(f"imported {name} from {getattr(module, '__file__', None)}")
    except Exception as exc:  # noqa: BLE001 - any failure to import is what is wanted
        print(f"cannot import {name}: {type(exc).__name__}")
