"""Profile adapters: run inside the implementation's process (stdlib and numpy only), from its API to the contract.

Each module defines `adapt(ns: dict) -> dict` with the keys "functions", "declarations", "names" and
"not_applicable"; `nnspec.profiles.adapter_source(profile)` is its text, sent to that process.
"""
