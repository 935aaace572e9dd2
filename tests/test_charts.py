"""Charts draw on their own Figure: no pyplot and no process-wide backend switch."""

import subprocess
import sys


def test_svg_chart_leaves_pyplot_and_the_backend_alone():
    code = (
        "import sys, matplotlib\n"
        "before = matplotlib.rcParams._get_backend_or_none()\n"
        "from corridor.charts import svg_figure\n"
        "svg = svg_figure(lambda fig, ax: ax.bar(['a', 'b'], [1, 2]), size_inches=(3, 2))\n"
        "assert svg.startswith('<svg') and '</svg>' in svg\n"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.rcParams._get_backend_or_none() == before)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_missing_reports_extra_is_a_clear_error(monkeypatch):
    import pytest

    import corridor
    from corridor.charts import svg_figure

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if matplotlib were not installed
    with pytest.raises(corridor.ExtraNotInstalledError, match=r"pip install 'corridor\[reports\]'"):
        svg_figure(lambda fig, ax: None, size_inches=(1, 1))
