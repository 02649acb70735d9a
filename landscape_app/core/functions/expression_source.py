"""The text of a custom expression as the parser sees it, and positions in the user's text.

Before parsing, ``^`` becomes ``**`` (a power, with the precedence of ``**``), every whitespace
character becomes a space (so the code is one line and an ast column is a column of the text)
and leading blanks are cut (Python would call them an indent). A map from each parsed
character back to the user's text lets every error point at the column the user typed.
"""

from __future__ import annotations

import ast

from landscape_app.core.errors import ExpressionError


class ExpressionSource:
    """The text as parsed (``^`` → ``**``, whitespace → spaces, leading blanks cut) and a map
    from each parsed character back to its offset in the user's text."""

    def __init__(self, text: str):
        self.text = text
        start = len(text) - len(text.lstrip())
        chars: list[str] = []
        self.origin: list[int] = []
        for index in range(start, len(text)):
            char = text[index]
            replacement = "**" if char == "^" else (" " if char.isspace() else char)
            chars.append(replacement)
            self.origin.extend([index] * len(replacement))
        self.origin.append(len(text))
        self.code = "".join(chars)
        self._encoded = self.code.encode("utf-8")

    def parse(self) -> ast.Expression:
        try:
            return ast.parse(self.code, mode="eval")
        except SyntaxError as error:
            offset = None if error.offset is None else self.origin[
                min(max(error.offset - 1, 0), len(self.code))]
            where = "" if offset is None else f" at column {offset + 1}"
            raise ExpressionError(f"syntax error{where}: {error.msg}", offset) from None
        except (ValueError, RecursionError, MemoryError) as error:
            raise ExpressionError(f"the expression cannot be read: {error}") from None

    def offset(self, byte_column: int) -> int:
        """Offset in the user's text of an ast column (a UTF-8 byte offset in the code)."""
        chars = len(self._encoded[:byte_column].decode("utf-8", errors="ignore"))
        return self.origin[min(chars, len(self.code))]

    def start(self, node: ast.AST) -> int:
        return self.offset(node.col_offset)

    def snippet(self, node: ast.AST, limit: int = 40) -> str:
        """The user's text of ``node`` in quotes, shortened to ``limit`` characters."""
        piece = self.text[self.start(node):self.offset(node.end_col_offset)]
        if len(piece) > limit:
            piece = piece[:limit - 1] + "…"
        quote = '"' if "'" in piece else "'"
        return f"{quote}{piece}{quote}"

    def error(self, node: ast.AST, message: str, hint: str = "") -> ExpressionError:
        """``message`` located at ``node``, e.g. ``unknown name 'z' at column 5; use x, y``."""
        position = self.start(node)
        return self.error_at(position, message, hint)

    @staticmethod
    def error_at(position: int, message: str, hint: str = "") -> ExpressionError:
        tail = f"; {hint}" if hint else ""
        return ExpressionError(f"{message} at column {position + 1}{tail}", position)

    def operator_offset(self, node: ast.BinOp, symbol: str) -> int:
        """Offset in the user's text of the operator of a binary operation."""
        between = self._encoded[node.left.end_col_offset:node.right.col_offset]
        found = between.find(symbol.encode())
        column = node.left.end_col_offset + max(found, 0)
        return self.offset(column)
