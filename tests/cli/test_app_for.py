"""``app_for``: the command line builds only the command it runs; that app is the whole app's command."""

import typer.main
from typer.testing import CliRunner

from corridor.cli.app import _MODULES, _new_app, app, app_for


def test_each_command_alone_is_the_whole_apps_command():
    whole = typer.main.get_command(app)
    runner = CliRunner()
    for name, command in whole.commands.items():
        alone = typer.main.get_command(app_for([name]))
        assert list(alone.commands) == [name]
        assert [p.name for p in alone.commands[name].params] == [p.name for p in command.params], name
        assert [p.name for p in alone.params] == [p.name for p in whole.params]
        help_alone = runner.invoke(app_for([name, "--help"]), [name, "--help"], prog_name="corridor")
        help_whole = runner.invoke(app, [name, "--help"], prog_name="corridor")
        assert help_alone.exit_code == help_whole.exit_code == 0
        assert help_alone.output == help_whole.output, name


def test_the_command_is_found_after_the_apps_options_and_unknown_words_get_the_whole_app():
    for args in (["--cache-dir", "x", "assign-tntp"], ["--data-pack", "p", "--cache-dir=y", "assign-tntp", "d"]):
        assert list(typer.main.get_command(app_for(args)).commands) == ["assign-tntp"]
    for args in ([], ["--help"], ["no-such-command"], ["--cache-dir", "assign-tntp"]):
        assert app_for(args) is app


def test_each_module_registers_the_commands_it_is_listed_with():
    for module, names in _MODULES.items():
        registered = typer.main.get_command(_new_app([module])).commands
        assert tuple(registered) == names, module
    assert set(typer.main.get_command(app).commands) == {n for names in _MODULES.values() for n in names}
