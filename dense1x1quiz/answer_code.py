"""A Python call compared as a call: `nn.Conv2d(128, 64, 1)` says `torch.nn.Conv2d(in_channels=128,
out_channels=64, kernel_size=(1, 1))`.

The text is parsed with `ast` (never run). What is compared: the function's name without a module prefix
(`nn.`, `torch.nn.`, `tf.keras.layers.`, `keras.layers.`, `layers.`, …), and its arguments by parameter name.
For the layers in `SIGNATURES` a positional argument is named by its place, an argument equal to the default
is dropped (`stride=1`, `bias=True`), and a size given once stands for every spatial axis (`kernel_size=1` is
`(1, 1)` for a 2-D convolution; a list is a tuple). Other calls keep their positional arguments in order.
An assignment around the call (`conv = nn.Conv2d(…)`) is ignored; any other statement is not a call.
"""

from __future__ import annotations

import ast
from typing import Any

MAX_CHARS = 1000
MODULE_PREFIXES = frozenset(
    {
        "nn",
        "torch.nn",
        "layers",
        "keras.layers",
        "tf.keras.layers",
        "tensorflow.keras.layers",
        "tf.layers",
    }
)

_TORCH_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias")
_TORCH_CONV_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True, "padding_mode": "zeros"}
_KERAS_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation")
_KERAS_CONV_DEFAULTS = {
    "strides": 1,
    "padding": "valid",
    "data_format": None,
    "dilation_rate": 1,
    "groups": 1,
    "activation": None,
    "use_bias": True,
}
_TORCH_SIZES = ("kernel_size", "stride", "padding", "dilation")
_KERAS_SIZES = ("kernel_size", "strides", "dilation_rate")


# name → (positional parameters, defaults, spatial axes, parameters that are sizes per axis)
SIGNATURES: dict[str, tuple[tuple[str, ...], dict[str, Any], int, tuple[str, ...]]] = {
    "Conv1d": (_TORCH_CONV, _TORCH_CONV_DEFAULTS, 1, _TORCH_SIZES),
    "Conv2d": (_TORCH_CONV, _TORCH_CONV_DEFAULTS, 2, _TORCH_SIZES),
    "Conv3d": (_TORCH_CONV, _TORCH_CONV_DEFAULTS, 3, _TORCH_SIZES),
    "Linear": (("in_features", "out_features", "bias"), {"bias": True}, 0, ()),
    "Conv1D": (_KERAS_CONV, _KERAS_CONV_DEFAULTS, 1, _KERAS_SIZES),
    "Conv2D": (_KERAS_CONV, _KERAS_CONV_DEFAULTS, 2, _KERAS_SIZES),
    "Conv3D": (_KERAS_CONV, _KERAS_CONV_DEFAULTS, 3, _KERAS_SIZES),
    "Dense": (("units", "activation", "use_bias"), {"activation": None, "use_bias": True}, 0, ()),
}


class _NotCall(Exception):
    """The text is not one call this module compares."""


def _call_node(text: str) -> ast.Call:
    """The call in `text`: a call expression, or the value of an assignment."""
    if len(text) > MAX_CHARS:
        raise _NotCall
    try:
        tree = ast.parse(text.strip(), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _NotCall from None
    if len(tree.body) != 1:
        raise _NotCall
    statement = tree.body[0]
    if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Call):
        return statement.value
    raise _NotCall


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise _NotCall


def _value(node: ast.expr) -> Any:
    """An argument as a comparable value: constants as themselves, tuples and lists as tuples, names and
    attributes as ('name', dotted), anything else as its syntax tree."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_value(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if isinstance(node, (ast.Name, ast.Attribute)):
        try:
            return ("name", _dotted(node))
        except _NotCall:
            pass
    return ("expr", ast.dump(node, annotate_fields=False))


def _per_axis(value: Any, axes: int) -> Any:
    """`1` → `(1, 1)` for two axes; a tuple stays; a string (`'same'`) stays."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * axes
    return value


def is_code_answer(text: str) -> bool:
    """Whether an expected answer is graded as a call: one Python call of a layer this module knows
    (`Conv2d(…)`, `nn.Linear(…)`), of a dotted name (`torch.flatten(x, 1)`, `x.view(n, -1)`), with keyword
    arguments, or assigned (`conv = …`). `σ(Wx + b)` or `f(x)` parses as Python too, but is a formula."""
    try:
        call = _call_node(text)
        name = _dotted(call.func)
    except (_NotCall, RecursionError):
        return False
    assigned = not text.lstrip().startswith(name)
    known = name.rpartition(".")[2] in SIGNATURES
    return (known or "." in name or bool(call.keywords) or assigned) and parse_call(text) is not None


def parse_call(text: str) -> tuple | None:
    """The canonical form of the one Python call in `text` (hashable; equal forms are the same call), or
    None when `text` is not one."""
    try:
        call = _call_node(text)
        name = _dotted(call.func)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise _NotCall  # *args, **kwargs: not comparable by name
        prefix, _, short = name.rpartition(".")
        if prefix in MODULE_PREFIXES:
            name = short
        arguments: dict[str, Any] = {}
        signature = SIGNATURES.get(name)
        positional = signature[0] if signature else ()
        for i, arg in enumerate(call.args):
            arguments[positional[i] if i < len(positional) else f"#{i}"] = _value(arg)
        for keyword in call.keywords:
            if keyword.arg in arguments:
                raise _NotCall  # given twice: a TypeError if it ran
            arguments[str(keyword.arg)] = _value(keyword.value)
    except (_NotCall, RecursionError):
        return None
    if signature:
        _, defaults, axes, sizes = signature
        for size in sizes:
            if size in arguments:
                arguments[size] = _per_axis(arguments[size], axes)
        for key, default in defaults.items():
            if key in arguments and arguments[key] == (_per_axis(default, axes) if key in sizes else default):
                del arguments[key]
        if name.endswith("d") and arguments.get("padding") == "valid":  # torch: 'valid' is no padding
            del arguments["padding"]
    return (name, tuple(sorted(arguments.items(), key=lambda item: item[0])))


__all__ = ["is_code_answer", "MODULE_PREFIXES", "SIGNATURES", "parse_call"]
