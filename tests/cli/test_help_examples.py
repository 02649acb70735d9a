"""Every command's ``--help`` ends with examples that name the command itself."""

from __future__ import annotations

import pytest

from landscape_app.cli import main

COMMANDS = ["gui", "run", "surface", "export", "list", "seed-experiment", "map", "compare"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_of_the_command(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    examples = text.split("\nexamples:\n", 1)
    assert len(examples) == 2, f"{command} --help has no 'examples:' section"
    assert f"  landscape-app {command}" in examples[1]
