"""The Derivation and Step records, exact zero tests, and rendering to text, LaTeX and Markdown."""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass, field, replace
from typing import Callable

import sympy as sp


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a short caption and the sympy expression (often an Eq) it shows."""

    caption: str
    expr: sp.Basic


@dataclass(frozen=True, eq=False)
class Derivation:
    """A named, proven fact: the steps that derive it and a proof that it equals the closed form code uses.

    `closed_form` is the claim (the expression people type in their code);
    `prove(candidate)` returns True only if sympy shows the derived expression
    equals `candidate` exactly (difference simplifies to 0; no floats, no sampling).
    """

    name: str
    statement: str
    steps: tuple[Step, ...]
    closed_form: sp.Basic
    prove: Callable[[sp.Basic], bool] = field(repr=False)
    result_caption: str = "Closed form used in code"

    @property
    def summary(self) -> str:
        """The first sentence of the statement, for one-line listings."""
        first = self.statement.strip().split("\n")[0]
        return first.split(". ")[0].rstrip(".") + "."

    @property
    def result(self) -> Step:
        """The claim as a final step."""
        return Step(self.result_caption, self.closed_form)

    def verify(self) -> bool:
        """True only if sympy proves the derived expression equal to `closed_form`."""
        return self.verify_against(self.closed_form)

    def verify_against(self, candidate) -> bool:
        """True only if sympy proves the derived expression equal to `candidate` (used to show wrong forms fail).

        Write `candidate` with the derivation module's own symbols (e.g. spec.activations.a,
        spec.losses.A[j]); a same-named symbol with other assumptions is a different symbol.
        """
        try:
            return bool(_cached_prove(self.prove, _freeze(sp.sympify(candidate))))
        except (sp.ShapeError, ValueError, TypeError):
            # A candidate of the wrong shape or kind is simply not equal.
            return False

    def with_closed_form(self, candidate) -> "Derivation":
        """A copy whose claim is `candidate`; its verify() tells whether that claim is provable."""
        return replace(self, closed_form=_freeze(sp.sympify(candidate)))


@functools.cache
def _cached_prove(prove, candidate) -> bool:
    # Proofs are pure functions of the candidate, and simplification is the slow part.
    return prove(candidate)


def _freeze(expr):
    """Mutable matrices are unhashable; proofs are cached by candidate, so make them immutable."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr)
    if isinstance(expr, sp.Tuple):
        return sp.Tuple(*(_freeze(e) for e in expr))
    return expr


def is_zero(expr, simplifier=sp.simplify) -> bool:
    """Exact zero test: every entry of a matrix/tuple (or the expression itself) simplifies to exactly 0."""
    if isinstance(expr, (sp.MatrixBase, sp.Tuple, tuple, list)):
        return all(is_zero(e, simplifier) for e in expr)
    return simplifier(expr) == 0


def same_shape(a, b) -> bool:
    """True if two results have the same structure (both scalars, matrices of equal shape, or tuples of same)."""
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        return isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.shape == b.shape
    if isinstance(a, sp.Tuple) or isinstance(b, sp.Tuple):
        return (isinstance(a, sp.Tuple) and isinstance(b, sp.Tuple) and len(a) == len(b)
                and all(same_shape(x, y) for x, y in zip(a, b)))
    return True


def eq(lhs, rhs) -> sp.Eq:
    """An unevaluated equation for display (sympy would otherwise reduce true equations to True)."""
    return sp.Eq(lhs, rhs, evaluate=False)


def d(f, x) -> sp.Derivative:
    """An unevaluated derivative df/dx, only for display on the left of an equation."""
    return sp.Derivative(f, x, evaluate=False)


# ---------------------------------------------------------------- rendering

def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def to_text(dv: Derivation) -> str:
    """Terminal rendering: statement, then each step as `caption:` and a pretty-printed expression."""
    lines = [dv.name, "=" * len(dv.name), "", textwrap.fill(dv.statement.strip(), width=88), ""]
    for i, step in enumerate(dv.steps + (dv.result,), 1):
        lines.append(f"{i}. {step.caption}:")
        lines.append(_indent(sp.pretty(step.expr, use_unicode=True, wrap_line=False)))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_latex(dv: Derivation) -> str:
    """LaTeX rendering: a subsection with the statement and one display equation per step."""
    lines = [f"\\subsection*{{{dv.name}}}", "", _latex_escape(dv.statement.strip()), ""]
    for step in dv.steps + (dv.result,):
        lines.append(f"\\paragraph{{{_latex_escape(step.caption)}}}")
        lines.append(f"\\[ {sp.latex(step.expr)} \\]")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(dv: Derivation) -> str:
    """Markdown rendering (GitHub math): a header, the statement, each caption with a $$ block, the result."""
    lines = [f"## `{dv.name}`", "", dv.statement.strip(), ""]
    for i, step in enumerate(dv.steps, 1):
        lines += [f"{i}. {step.caption}:", "", "$$", sp.latex(step.expr), "$$", ""]
    lines += [f"**Result ({dv.result_caption.lower()}):**", "", "$$", sp.latex(dv.closed_form), "$$", ""]
    return "\n".join(lines).rstrip() + "\n"


def _latex_escape(text: str) -> str:
    for ch in "&%#_":
        text = text.replace(ch, "\\" + ch)
    return text.replace("^", "\\textasciicircum{}").replace("~", "\\textasciitilde{}")
