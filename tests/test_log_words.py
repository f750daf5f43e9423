"""Every log line a user can see comes from the words catalogue (yitu/words), Chinese first.

Static checks over the source of ``yitu/``: no ``log.info/warning/error`` call (nor ``warnings.warn``)
has a message written as a bare string literal with words in it; every key given to ``msg(...)``
or ``tr(...)`` as a literal is in the catalogue. DEBUG lines are for developers and may stay English.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

import yitu
from yitu.words import WORDS, listed, msg, named, use_lang
from yitu.words.numbers import qty

ROOT = Path(yitu.__file__).parent
LEVELS = {"info", "warning", "error", "exception", "critical"}
LOGGERS = {"log", "logger", "_log", "LOG", "LOGGER"}
#: %-placeholders and punctuation are not words
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdrifgeExXcoa%]")
_WORDY = re.compile(r"[A-Za-z\u3400-\u9fff]")


def _is_logger(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in LOGGERS
    # logging.getLogger(__name__).warning(...)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "getLogger")


def _log_level(func: ast.expr) -> str | None:
    """The level of a logging call's function (``log.warning`` -> "warning"); for
    ``(log.debug if x else log.info)(...)`` the highest non-debug level of its branches."""
    if isinstance(func, ast.Attribute) and _is_logger(func.value):
        return func.attr
    if isinstance(func, ast.IfExp):
        levels = [_log_level(b) for b in (func.body, func.orelse)]
        return next((lv for lv in levels if lv in LEVELS), None)
    return None


def _literals(node: ast.expr) -> list[str]:
    """The string literals that make up a message expression (``"a" + x``, ``"a %s" % x``, f-strings)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(node, ast.BinOp):
        return _literals(node.left) + (_literals(node.right) if isinstance(node.op, ast.Add) else [])
    return []


def _wordy(text: str) -> bool:
    return bool(_WORDY.search(_PLACEHOLDER.sub("", text)))


def bare_messages(source: str | ast.AST, filename: str = "<src>") -> list[tuple[int, str]]:
    """``(line, text)`` of every user-visible log call (INFO and up) or ``warnings.warn`` whose message,
    or one of whose %-arguments, is a string literal with words in it."""
    found = []
    tree = ast.parse(source, filename) if isinstance(source, str) else source
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        level = _log_level(node.func)
        is_warn = (isinstance(node.func, ast.Attribute) and node.func.attr == "warn"
                   and isinstance(node.func.value, ast.Name) and node.func.value.id == "warnings")
        if level not in LEVELS and not is_warn:
            continue
        args = node.args if level in LEVELS else node.args[:1]
        for arg in args:
            texts = [t for t in _literals(arg) if _wordy(t)]
            if texts:
                found.append((node.lineno, " ".join(texts)))
                break
    return found


@functools.cache
def _sources() -> list[tuple[str, ast.AST]]:
    """Every module of yitu/, parsed once."""
    return [(str(p.relative_to(ROOT)), ast.parse(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(ROOT.rglob("*.py"))]


def test_the_checker_finds_bare_words_and_lets_catalogue_calls_pass():
    src = '''
log.warning("%d station(s) too far from any road: %s", n, ids)
log.info("已写入 %s", path)
log.info(f"wrote {path}")
log.error("batch: " + name)
(log.debug if few else log.info)("%s: row %d removed %s", src, row, what)
logging.getLogger(__name__).warning("image not written: %s", exc)
warnings.warn("deprecated, use x")
log.info("%s", "written")
log.info(msg("files.log.wrote", path=p))
log.warning("%s", tr("gaps.log.stale_districts"))
log.info("%s: %d", a, b)
log.debug("developers only: %s", x)
'''
    assert [line for line, _ in bare_messages(src)] == [2, 3, 4, 5, 6, 7, 8, 9]


def test_no_log_line_of_yitu_has_bare_words():
    bad = {f"{name}:{line}": text for name, src in _sources() for line, text in bare_messages(src, name)}
    assert not bad, bad


def _literal_keys(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("msg", "Msg", "tr")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append((node.lineno, node.args[0].value))
    return out


def test_every_literal_key_is_in_the_catalogue():
    missing = {f"{name}:{line}": key for name, src in _sources() for line, key in _literal_keys(src)
               if key not in WORDS}
    assert not missing, missing


def test_a_message_is_put_into_words_when_shown_in_the_language_it_was_made_in():
    with use_lang("en"):
        m = msg("load.log.loaded", src="企业{名单}.xlsx", layer="enterprises", loaded=3, rows=4, rejected=1)
    assert str(m) == "企业{名单}.xlsx: enterprises loaded 3 of 4 rows, 1 rejected"  # braces in a value stay
    m = msg("load.log.loaded", src="a.csv", layer="enterprises", loaded=3, rows=4, rejected=1)
    with use_lang("en"):  # made in Chinese: shown in Chinese wherever it is printed
        assert str(m) == "a.csv：enterprises 导入 3 行（共 4 行），拒绝 1 行"
    with pytest.raises(KeyError):
        msg("no.such.key")


def test_values_format_themselves_in_the_language_of_the_message():
    zh = msg("shelters.log.summary", people=qty(1234.4, "people"), placed=qty(1000, "people"),
             unplaced=qty(None, "people"), unknown=listed(["甲", "乙"]))
    assert str(zh) == "避难场所：共 1,234 人，已安置 1,000 人，未安置 数据缺失，人口未知 甲、乙 行"
    with use_lang("en"):
        en = msg("network.log.stored", edges=3, profile=named("profile", "fire_engine"))
        many = msg("files.log.wrote", path=listed(range(25), limit=3))
    assert str(en) == "stored layer roads (3 edges, profile fire engine)"
    assert str(many) == "wrote 0, 1, 2 … (22 more)"
    assert str(msg("network.log.stored", edges=3, profile=named("profile", "my_truck"))).endswith("速度配置 my_truck）")


def test_a_log_call_below_the_level_puts_nothing_into_words(caplog):
    import logging

    class Spy:
        shown = 0

        def __format__(self, spec: str) -> str:
            Spy.shown += 1
            return "x"

    log = logging.getLogger("yitu.test_log_words")
    with caplog.at_level(logging.WARNING, logger="yitu.test_log_words"):
        log.info(msg("files.log.wrote", path=Spy()))
        assert Spy.shown == 0
        log.warning(msg("files.log.wrote", path=Spy()))
    assert Spy.shown >= 1 and "已写入 x" in caplog.text  # once per handler that prints it


def test_batch_tasks_run_in_the_callers_language():
    """Worker processes start in Chinese: a batch task gets the caller's language with it."""
    from yitu.batch import _in_lang
    from yitu.words import tr

    assert _in_lang("en", lambda: {"s": tr("status.met")}) == {"s": "met"}
    assert _in_lang("zh", lambda: {"s": tr("status.met")}) == {"s": "达标"}


def test_named_takes_the_first_prefix_that_has_the_code():
    assert str(named(("maps.layer", "map.layer"), "shelter_routes")) == "疏散路线（按避难场所着色）"
    assert str(named(("maps.layer", "map.layer"), "stations")) == "救援力量"
    assert str(named(("maps.layer", "map.layer"), "my_layer")) == "my_layer"


# ------------------------------------------------------------------------------------------ errors
#: developer-only errors that stay English: (module, words of the message) -> why a user never sees them.
#: Each is an argument check of the Python API (numpy core, from_cost_matrix-style entry points) or an
#: internal invariant; the CLI always passes arrays of the right shape, GeoDataFrames with a CRS, and so on.
DEVELOPER_ERRORS: dict[tuple[str, str], str] = {
    ("gis/xlsx_stream.py", "streamed sheets not in the package"): "invariant of the streamed workbook writer",
    ("layers/distances.py", "targets: a GeoDataFrame with a CRS is needed"): "API argument; project layers have a CRS",
    ("layers/registers.py", "expected a Project or a mapping of layers"): "API argument type",
    ("layers/registers.py", "settings are needed when the layers are given as a mapping"): "API argument",
    ("layers/registers.py", "the layers need an 'enterprises' table"): "API argument (the mapping form only)",
    ("routing/drill.py", "site: expected a Site"): "API argument type",
    ("routing/drill.py", "site: expected one feature"): "API argument",
    ("routing/drill.py", "closed: mask of"): "API argument shape",
    ("routing/drill_sites.py", "closed area: expected polygons (GeoDataFrame or file)"): "API argument type",
    ("routing/engine.py", "some sources are not on the network (ok == False)"): "numpy core argument",
    ("routing/engine.py", "k must be at least 1"): "numpy core argument (the CLI's k comes from checked settings)",
    ("routing/engine.py", "reach: limit_s must be a finite number"): "numpy core argument",
    ("routing/gaps.py", "gaps: expected a Project or a dict of layers"): "API argument type",
    ("routing/gaps.py", "gaps: pass settings= when giving a dict of layers"): "API argument",
    ("routing/network.py", "object has no attribute"): "Python's own AttributeError protocol",
    ("routing/osm.py", "unexpected WKB from libosmium"): "invariant of libosmium's output",
    ("routing/shelters_solve.py", "assign: the reach is"): "numpy core argument shape",
    ("routing/shelters_solve.py", "assign: the matrix is"): "numpy core argument shape",
    ("routing/shelters_solve.py", "must be finite numbers ≥ 0 (one per row)"): "numpy core argument",
    ("routing/shelters_solve.py", "must be whole people"): "numpy core argument",
    ("routing/shelters_solve.py", "exceeded a capacity"): "post-condition of the solver (a bug if raised)",
    ("routing/shelters_solve.py", "placed more people than a block has"): "post-condition of the solver",
    ("routing/shelters_solve.py", "max flow: status"): "OR-Tools status that cannot occur on a valid graph",
    ("routing/shelters_solve.py", "min-cost flow: status"): "OR-Tools status that cannot occur on a valid graph",
    ("routing/shelters_solve.py", "HiGHS LP:"): "HiGHS status that cannot occur on a feasible LP",
    ("routing/shelters_solve.py", "HiGHS LP returned a fractional assignment"): "post-condition (totally unimodular LP)",
    ("routing/shelters_solve.py", "HiGHS MILP found no assignment"): "HiGHS status that cannot occur (always feasible)",
    ("routing/siting_models.py", "a cost matrix must be 2-D"): "from_cost_matrix argument shape",
    ("routing/siting_models.py", "limit_s must be ≥ 0 seconds for every demand"): "from_cost_matrix argument",
    ("routing/siting_models.py", "a boolean mask must have one entry per candidate"): "from_cost_matrix argument",
    ("routing/siting_models.py", "weights: one non-negative number per demand"): "from_cost_matrix argument",
    ("routing/siting_models.py", "demand: one non-negative amount per demand"): "from_cost_matrix argument",
    ("routing/siting_models.py", "capacity: one non-negative amount per candidate"): "from_cost_matrix argument",
    ("routing/snap.py", "expected a GeoDataFrame or GeoSeries of points"): "API argument type",
    ("routing/snap.py", "the points have no CRS"): "API argument; project layers have a CRS",
    ("settings_toml.py", "cannot write"): "internal: settings hold TOML types only",
    ("words/__init__.py", "must map to a (zh, en) pair of strings"): "a bug in a words module",
    ("words/__init__.py", "registered twice with different words"): "a bug in a words module",
    ("words/__init__.py", "words: no entry"): "a bug: a key without a home in yitu/words",
    ("words/numbers.py", "numbers: no quantity"): "a bug: an unknown quantity name",
    ("routing/knearest.py", "limits that do not grow with the rank"): "numpy kernel argument (ValueError)",
    ("routing/knearest.py", "k must be >= 1"): "numpy kernel argument (ValueError)",
}


def _error_name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def bare_errors(source: str | ast.AST, filename: str = "<src>") -> list[tuple[int, str]]:
    """``(line, text)`` of every error made with a message that is a string literal with words in it:
    ``raise X("...")`` for any X, and ``SomethingError("...")`` made anywhere (returned, stored, raised)."""
    found = []
    tree = ast.parse(source, filename) if isinstance(source, str) else source
    raised = {id(n.exc) for n in ast.walk(tree) if isinstance(n, ast.Raise) and n.exc is not None}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _error_name(node.func)
        if id(node) not in raised and not name.endswith(("Error", "Exception")):
            continue
        texts = [t for t in _literals(node.args[0]) if _wordy(t)]
        if texts:
            found.append((node.lineno, " ".join(texts)))
    return found


def _bare_errors() -> dict[str, str]:
    return {f"{name}:{line}": text for name, src in _sources()
            for line, text in bare_errors(src, name)
            if not any(m == name and words in text for (m, words) in DEVELOPER_ERRORS)}


def test_the_error_checker_finds_bare_words_and_lets_catalogue_calls_pass():
    src = '''
raise InputError("no road network yet; build it with yitu network build")
raise ProjectError(f"{path}: no layer {name!r} yet")
raise NetworkError(f"{p}: " + "the file is empty")
err = CRSError("no coordinate system")
return InputError(f"{path}: no enterprise with id {eid!r}")
raise typer.BadParameter(f"{value!r}: zh | en")
raise InputError(tr("network.err.none_yet", project=path))
raise InputError(f"{a}: {b}")
raise ProjectError(tr("project.err.no_layer", path=p, name="x", how="y")) from None
raise
raise exc
'''
    assert [line for line, _ in bare_errors(src)] == [2, 3, 4, 5, 6, 7]


def test_no_user_visible_error_of_yitu_has_bare_words():
    """Every error a user can meet reads in the language in effect: its words come from yitu/words."""
    bad = _bare_errors()
    assert not bad, bad


def test_every_developer_only_error_is_still_there():
    """An entry of the allow-list whose error is gone (or now in the catalogue) is taken out of it."""
    texts = [(name, text) for name, src in _sources() for _, text in bare_errors(src, name)]
    stale = [key for key in DEVELOPER_ERRORS if not any(m == key[0] and key[1] in t for m, t in texts)]
    assert not stale, stale
